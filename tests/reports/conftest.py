"""A known year of a platform, built THROUGH THE SERVICES, and the figures it must give.

The period is [S, E] with S = today - 60 days and E = S + 50 (51 days), all in the past.

People (fiches received on S, accepted with a pathway opened on S, unless said):
  X1..X6  Mission locale (6)   X1..X4 women, X5, X6 men; all in a QPV; X1..X5 rent a car
  Z1..Z5  CCAS (5)             Z1..Z3 women, Z4, Z5 men; Z1, Z2 in a QPV; Z5 on RSA;
                               live in Charleville-Mézières (08000); the auto-école
  Y1, Y2  Centre social (2)    men on RSA; plus Y3, declined
  B0      Mission locale, received on S - 30 (before the period): rents a bike
  and, on another platform, one accepted fiche that must never count.

Fleet: R1 car S → returned S+14 (check-in S+7 at +300 km paying 20.00, return at +500 km);
R2..R5 cars from S+10, open (check-in S+17 at +100 km paying 5.00; R2 again at E+5,
+1000 km, paying 50.00, after the period); the bike from S-5, returned S+5 at 50 km paying
3.00. Driving school: Z1..Z5 enrolled on S+1; theory lessons on S+2 (all present) and S+3
(Z4 late, Z5 unexcused), one cancelled on S+4, one after the period (E+3); theory exam:
Z1..Z3 pass on S+5, Z4 fails then passes on S+8, Z5 fails (and passes after the period);
driving exam on S+9: Z1 passes, Z2 fails. Diagnostics: entries on S+1 for X6 and Z1..Z5
(the least mobile answers), exits on S+20 for X6, Z1, Z2 (the most mobile). Exits on
S+21: X6 cdi (durable), Y1 cdi (durable), Y2 cdd, Z1 formation (durable), Z2 none.
Budget: 6 500.00 by the funder over [S, E], 13 000.00 unassigned over [S-51, E].
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from diagnostics import services as diagnostic_services
from diagnostics.models import Questionnaire
from drivingschool import services as school_services
from drivingschool.services import AttendanceRow, ProgrammeData
from fleet import services as fleet_services
from mobility import services as core_services
from mobility.enums import Role
from mobility.models import Budget
from mobility.reports.queries import Scope
from tests.api.conftest import ApiClient
from tests.factories import OrganisationFactory, ReferralFactory, member
from tests.fleet.conftest import CONDITION_OK, VehicleFactory

OVERRIDE = "Situation vue en entretien (test)."


@pytest.fixture
def api():
    return ApiClient


@dataclass
class World:
    platform: object
    start: dt.date
    end: dt.date
    today: dt.date
    admin: object
    adviser: object
    funder_user: object
    funder_org: object
    organisations: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)  # code -> referral (accepted or declined)
    other_platform: object = None

    def day(self, offset: int) -> dt.date:
        return self.start + dt.timedelta(days=offset)

    def scope(self, **filters) -> Scope:
        return Scope(
            start=self.start,
            end=self.end,
            platform_ids=(self.platform.pk,),
            today=self.today,
            **filters,
        )

    def query(self, **extra) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "platform": self.platform.pk,
            **extra,
        }


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _answers(questionnaire, best: bool) -> dict:
    choose = max if best else min
    return {
        q.code: choose(q.choices, key=lambda c: c.weight).code
        for q in questionnaire.parsed.questions
        if q.required
    }


def build_world(platform, other_platform) -> World:
    today = timezone.localdate()
    start = today - dt.timedelta(days=60)
    world = World(
        platform=platform,
        start=start,
        end=start + dt.timedelta(days=50),
        today=today,
        admin=member(Role.ADMIN, platform),
        adviser=member(Role.ADVISER, platform),
        funder_user=None,
        funder_org=OrganisationFactory(platform=platform, funder=True, name="Département test"),
    )
    world.funder_user = member(Role.FUNDER, organisation=world.funder_org)
    adviser = world.adviser
    orgs = {
        "X": OrganisationFactory(platform=platform, name="Mission locale test"),
        "Z": OrganisationFactory(platform=platform, name="CCAS test"),
        "Y": OrganisationFactory(platform=platform, name="Centre social test"),
    }
    world.organisations = orgs

    def person(code, org, *, sex, qpv=False, rsa=False, received=None, accept=True, **more):
        referral = ReferralFactory(
            prescriber=orgs[org],
            first_name=f"Prénom{code}",
            last_name=f"Secretnom{code}",
            birth_date=dt.date(1990, 1, 1) + dt.timedelta(days=37 * len(world.people)),
            sex=sex,
            qpv=qpv,
            rsa=rsa,
            address=f"{len(world.people) + 3} rue Cachée-{code}",
            phone="06 00 00 00 00",
            email=f"{code.lower()}@personne.example",
            received_on=received or start,
            **more,
        )
        if accept:
            referral = core_services.referral_accept(
                referral=referral, by=adviser, opened_on=received or start
            )
        world.people[code] = referral
        return referral

    for index in range(1, 7):
        person(f"X{index}", "X", sex="f" if index <= 4 else "m", qpv=True)
    for index in range(1, 6):
        person(
            f"Z{index}",
            "Z",
            sex="f" if index <= 3 else "m",
            qpv=index <= 2,
            rsa=index == 5,
            commune="Charleville-Mézières",
            postal_code="08000",
        )
    person("Y1", "Y", sex="m", rsa=True)
    person("Y2", "Y", sex="m", rsa=True)
    declined = person("Y3", "Y", sex="f", accept=False)
    core_services.referral_decline(referral=declined, by=adviser, reason="Hors territoire.")
    person("B0", "X", sex="m", received=start - dt.timedelta(days=30))

    # Another platform: one accepted fiche in the period, never in this report.
    other_admin = member(Role.ADVISER, other_platform)
    other = ReferralFactory(
        prescriber=OrganisationFactory(platform=other_platform), received_on=start
    )
    core_services.referral_accept(referral=other, by=other_admin, opened_on=start)
    world.other_platform = other_platform

    _fleet(world)
    _driving_school(world)
    _diagnostics_and_exits(world)
    Budget.objects.create(
        platform=platform,
        funder=world.funder_org,
        period_start=start,
        period_end=world.end,
        amount=Decimal("6500.00"),
    )
    Budget.objects.create(
        platform=platform,
        period_start=start - dt.timedelta(days=51),
        period_end=world.end,
        amount=Decimal("13000.00"),
    )
    return world


def _pathway(world, code):
    return world.people[code].pathway


def _fleet(world: World) -> None:
    adviser, day = world.adviser, world.day

    def hand_over(code, vehicle, start):
        return fleet_services.rental_create(
            by=adviser,
            pathway=_pathway(world, code),
            vehicle=vehicle,
            start_date=start,
            deposit=Decimal("150.00"),
            contract_signed=True,
            override_reason=OVERRIDE,
        )

    def check_in(rental, when, km, paid):
        fleet_services.checkin_record(
            by=adviser,
            rental=rental,
            day=when,
            odometer_km=km,
            condition=CONDITION_OK,
            payment_amount=Decimal(paid),
            payment_method="cash",
        )

    cars = [VehicleFactory(platform=world.platform, odometer_km=42000) for _ in range(5)]
    r1 = hand_over("X1", cars[0], day(0))
    check_in(r1, day(7), 42300, "20.00")
    fleet_services.rental_return(
        by=adviser, rental=r1, day=day(14), odometer_km=42500, condition=CONDITION_OK
    )
    for index, code in enumerate(("X2", "X3", "X4", "X5"), start=1):
        rental = hand_over(code, cars[index], day(10))
        check_in(rental, day(17), 42100, "5.00")
        if code == "X2":
            check_in(rental, world.end + dt.timedelta(days=5), 43100, "50.00")
    bike = VehicleFactory(platform=world.platform, bike=True, odometer_km=0)
    bike_rental = hand_over("B0", bike, day(-5))
    fleet_services.rental_return(
        by=adviser,
        rental=bike_rental,
        day=day(5),
        odometer_km=50,
        condition=CONDITION_OK,
        payment_amount=Decimal("3.00"),
        payment_method="cash",
    )


def _driving_school(world: World) -> None:
    adviser, day = world.adviser, world.day
    instructor = member(Role.INSTRUCTOR, world.platform)
    programme = school_services.programme_for(world.platform)
    school_services.programme_update(
        by=world.admin,
        programme=programme,
        data=ProgrammeData(
            name=programme.name,
            hourly_rate=programme.hourly_rate,
            exclusion_threshold=programme.exclusion_threshold,
            attendance_threshold=programme.attendance_threshold,
            excused_count_as_held=True,
            theory_departmental_pass_rate=Decimal("0.570"),
            driving_departmental_pass_rate=Decimal("0.590"),
        ),
    )
    enrolments = {}
    for code in ("Z1", "Z2", "Z3", "Z4", "Z5"):
        enrolment = school_services.enrolment_create(
            by=adviser,
            pathway=_pathway(world, code),
            start_date=day(1),
            theory_hours=Decimal("20"),
            driving_hours=Decimal("30"),
            theory_funder=world.funder_org,
        )
        school_services.enrolment_sign_agreement(by=adviser, enrolment=enrolment, signed_on=day(1))
        enrolments[code] = enrolment
    everyone = list(enrolments.values())

    def lesson(when, kind="theory", people=everyone):
        return school_services.lesson_schedule(
            by=instructor,
            platform=world.platform,
            kind=kind,
            start=_at(when, 10),
            duration_minutes=120,
            enrolments=people,
        )

    def sheet(lesson_, statuses):
        school_services.attendance_record(
            by=instructor,
            lesson=lesson_,
            rows=[
                AttendanceRow(
                    enrolments[code].pk, status, late_minutes=10 if status == "late" else None
                )
                for code, status in statuses.items()
            ],
        )

    sheet(lesson(day(2)), dict.fromkeys(enrolments, "present"))
    sheet(
        lesson(day(3)),
        {"Z1": "present", "Z2": "present", "Z3": "present", "Z4": "late", "Z5": "unexcused"},
    )
    school_services.lesson_cancel(by=instructor, lesson=lesson(day(4)), reason="Moniteur malade")
    sheet(lesson(world.end + dt.timedelta(days=3)), dict.fromkeys(enrolments, "present"))

    def exam(code, kind, when, passed):
        school_services.exam_record(
            by=instructor, enrolment=enrolments[code], kind=kind, exam_date=when, passed=passed
        )

    for code in ("Z1", "Z2", "Z3"):
        exam(code, "theory", day(5), True)
    exam("Z4", "theory", day(5), False)
    exam("Z4", "theory", day(8), True)
    exam("Z5", "theory", day(5), False)
    exam("Z5", "theory", world.end + dt.timedelta(days=4), True)
    exam("Z1", "driving", day(9), True)
    exam("Z2", "driving", day(9), False)


def _diagnostics_and_exits(world: World) -> None:
    adviser, day = world.adviser, world.day
    questionnaire = Questionnaire.objects.current()
    for code in ("X6", "Z1", "Z2", "Z3", "Z4", "Z5"):
        diagnostic_services.diagnostic_record(
            pathway=_pathway(world, code),
            kind="entry",
            taken_on=day(1),
            answers=_answers(questionnaire, best=False),
            by=adviser,
        )
    for code in ("X6", "Z1", "Z2"):
        diagnostic_services.diagnostic_record(
            pathway=_pathway(world, code),
            kind="exit",
            taken_on=day(20),
            answers=_answers(questionnaire, best=True),
            by=adviser,
        )
    for code, outcome, durable in (
        ("X6", "cdi", True),
        ("Y1", "cdi", True),
        ("Y2", "cdd", False),
        ("Z1", "formation", True),
        ("Z2", "none", False),
    ):
        core_services.pathway_close(
            pathway=_pathway(world, code),
            by=adviser,
            closed_on=day(21),
            outcome=outcome,
            durable_solution=durable,
        )


@pytest.fixture
def world(platform, other_platform) -> World:
    return build_world(platform, other_platform)


@pytest.fixture
def no_secrecy(settings):
    """Threshold 1: nothing is masked, every raw figure shows."""
    settings.REPORT_SECRECY_THRESHOLD = 1


@pytest.fixture
def secrecy_5(settings):
    settings.REPORT_SECRECY_THRESHOLD = 5
