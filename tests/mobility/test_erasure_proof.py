"""The proof of erasure: a person built through the services, with their name, phone,
e-mail, address and birth date typed into every free-text field, closed, then anonymised
with a retention of 0 days. A dump of every text column of every table (found by
introspection, on PostgreSQL and SQLite alike) finds none of them afterwards."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory, override_settings
from django.utils import timezone

from diagnostics import services as diagnostic_services
from diagnostics.models import Questionnaire
from drivingschool import services as school_services
from drivingschool.enums import TrancheKind
from drivingschool.services import AttendanceRow
from fleet import services as fleet_services
from fleet.services import Damage
from mobility import services
from mobility.models import Beneficiary, ErasureRecord, Referral
from tests.fleet.conftest import CONDITION_OK, VehicleFactory

pytestmark = pytest.mark.django_db

FIRST_NAME = "Zoubeyda"
LAST_NAME = "Quennevilliers-Ardouin"
PHONE = "06 71 82 93 04"
EMAIL = "zoubeyda.q@marqueur-exemple.fr"
ADDRESS = "17 impasse des Coquelicots"
BIRTH_DATE = date(1986, 4, 23)
# What must be found nowhere afterwards: each part of the name (as typed, upper-cased or
# normalised), the e-mail, the street, the phone digits and the birth date in its formats.
TEXT_MARKERS = (
    "Zoubeyda",
    "Quennevilliers",
    "Ardouin",
    "marqueur-exemple",
    "Coquelicots",
    "1986-04-23",
    "23/04/1986",
    "23 avril 1986",
    "23.04.1986",
    "19860423",
    "23041986",
)
PHONE_DIGITS = "671829304"  # with or without the leading 0 or +33
SAYS_WHO = (
    f"{FIRST_NAME} {LAST_NAME}, née le 23/04/1986 (23 avril 1986), {ADDRESS}, tél. {PHONE}, {EMAIL}"
)


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


@dataclass(frozen=True)
class Hit:
    table: str
    column: str
    marker: str


def dump_hits() -> set[Hit]:
    """Every column of every table the introspection lists, read back and searched for
    the markers. (The columns are the cursor's: Django's SQLite introspection cannot
    describe a table whose constraints hold ", ".)"""
    hits = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    for marker in markers_in(value):
                        hits.add(Hit(table, column, marker))
    return hits


def markers_in(value) -> list[str]:
    if isinstance(value, datetime):
        return []
    if isinstance(value, date):
        return ["birth date"] if value == BIRTH_DATE else []
    if isinstance(value, memoryview | bytes):
        value = bytes(value).decode("utf-8", errors="replace")
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, str):
        return []
    folded = value.casefold()
    found = [marker for marker in TEXT_MARKERS if marker.casefold() in folded]
    if PHONE_DIGITS in re.sub(r"[\s.\-]", "", value):
        found.append("phone")
    return found


def build_the_person(*, adviser, admin_user, fleet_user, instructor, prescriber_org):
    """Two fiches (the first declined), a diagnostic, a rental with its check-ins, a
    payment and a return, a driving-school enrolment with attendance, a cancelled lesson,
    exams and funding, admin log entries; every free text names the person."""
    person = services.PersonData(
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        birth_date=BIRTH_DATE,
        sex="f",
        commune="Sedan",
        postal_code="08200",
        phone=PHONE,
        email=EMAIL,
        address=ADDRESS,
        qpv=True,
        licence_held=True,
        licence_since=days_ago(200),  # under a year: the car needs an override
    )

    def fiche(received_on: date):
        return services.referral_submit(
            by=adviser,
            prescriber=prescriber_org,
            data=services.ReferralData(
                referent_name="Sophie Lambert",
                referent_email="sophie.lambert@francetravail.example",
                person=person,
                job_kind="job",
                contract="cdi",
                job_start_date=received_on,
                project=f"Projet de {SAYS_WHO}",
                job_address=f"Chez l'employeur de {FIRST_NAME}, {ADDRESS}",
                job_schedule=f"{FIRST_NAME} {LAST_NAME} : 6 h - 14 h",
                home_work_km=Decimal("18"),
                comment=f"Commentaire : {SAYS_WHO}",
                received_on=received_on,
            ),
        )

    declined = services.referral_decline(
        referral=fiche(days_ago(80)), by=adviser, reason=f"Refus : {SAYS_WHO}"
    )
    accepted = services.referral_accept(
        referral=fiche(days_ago(60)), by=adviser, opened_on=days_ago(60)
    )
    pathway = accepted.pathway
    beneficiary = accepted.beneficiary

    questionnaire = Questionnaire.objects.current()
    answers = {
        question.code: max(question.choices, key=lambda choice: choice.weight).code
        for question in questionnaire.parsed.questions
    }
    diagnostic_services.diagnostic_record(
        pathway=pathway, kind="entry", taken_on=days_ago(59), answers=answers, by=adviser
    )

    vehicle = VehicleFactory(platform=pathway.platform)
    rental = fleet_services.rental_create(
        by=adviser,
        pathway=pathway,
        vehicle=vehicle,
        start_date=days_ago(56),
        deposit=Decimal("150.00"),
        contract_signed=True,
        override_reason=f"Dérogation : {SAYS_WHO}",
    )
    for day, odometer in ((days_ago(49), 42400), (days_ago(42), 42800)):
        fleet_services.checkin_record(
            by=fleet_user,
            rental=rental,
            day=day,
            odometer_km=odometer,
            condition=CONDITION_OK,
            payment_amount=Decimal("10.00"),
            payment_method="cash",
            notes=f"Point étape : {SAYS_WHO}",
        )
    fleet_services.payment_record(
        by=fleet_user,
        rental=rental,
        day=days_ago(40),
        amount=Decimal("5.00"),
        method="transfer",
        label=f"Virement de {SAYS_WHO}",
    )
    fleet_services.rental_return(
        by=fleet_user,
        rental=rental,
        day=days_ago(35),
        odometer_km=43100,
        condition={**CONDITION_OK, "body": "damaged"},
        damages=[Damage(description=f"Rayure faite par {SAYS_WHO}", cost=Decimal("80.00"))],
        deposit_retained=Decimal("50.00"),
        deposit_retained_reason=f"Retenue : {SAYS_WHO}",
        end_reason=f"Fin : {SAYS_WHO}",
    )

    enrolment = school_services.enrolment_create(
        by=adviser,
        pathway=pathway,
        start_date=days_ago(50),
        theory_hours=Decimal("20"),
        driving_hours=Decimal("30"),
    )

    def lesson(days: int):
        start = timezone.now().replace(microsecond=0) - timedelta(days=days)
        return school_services.lesson_schedule(
            by=instructor,
            platform=pathway.platform,
            kind="theory",
            start=start,
            duration_minutes=120,
            enrolments=[enrolment],
        )

    held = lesson(45)
    school_services.attendance_record(
        by=instructor,
        lesson=held,
        rows=[AttendanceRow(enrolment.pk, "excused", reason=f"Excusée : {SAYS_WHO}")],
    )
    school_services.lesson_cancel(by=instructor, lesson=lesson(44), reason=f"Annulée : {SAYS_WHO}")
    school_services.exam_record(
        by=instructor, enrolment=enrolment, kind="theory", exam_date=days_ago(40), passed=True
    )
    practical = enrolment.tranches.get(kind=TrancheKind.PRACTICAL)
    school_services.tranche_release(
        by=admin_user, tranche=practical, override_reason=f"Déblocage : {SAYS_WHO}"
    )
    school_services.enrolment_exclude(
        by=adviser, enrolment=enrolment, reason=f"Exclusion : {SAYS_WHO}"
    )

    # What /admin/ logs when someone edits these objects there.
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    for obj in (beneficiary, declined, accepted, pathway, rental, enrolment):
        admin.site.get_model_admin(type(obj)).log_change(
            request, obj, f"Corrigé à la demande de {SAYS_WHO}"
        )

    services.pathway_close(
        pathway=pathway, by=adviser, closed_on=days_ago(1), outcome="cdi", durable_solution=True
    )
    return beneficiary


@pytest.fixture
def the_person(admin_user, adviser, fleet_user, instructor, prescriber_org):
    return build_the_person(
        adviser=adviser,
        admin_user=admin_user,
        fleet_user=fleet_user,
        instructor=instructor,
        prescriber_org=prescriber_org,
    )


def columns_with(hits: set[Hit], marker: str) -> set[tuple[str, str]]:
    return {(hit.table, hit.column) for hit in hits if hit.marker == marker}


def test_the_markers_are_everywhere_before_the_erasure(the_person):
    """The proof has teeth: the person is in every free-text column it will search."""
    named = columns_with(dump_hits(), "Zoubeyda")

    for table, column in [
        ("mobility_beneficiary", "first_name"),
        ("mobility_historicalbeneficiary", "first_name"),
        ("mobility_referral", "project"),
        ("mobility_referral", "job_address"),
        ("mobility_referral", "job_schedule"),
        ("mobility_referral", "comment"),
        ("mobility_referral", "decline_reason"),
        ("mobility_historicalreferral", "comment"),
        ("mobility_notification", "body"),
        ("fleet_rental", "eligibility_override_reason"),
        ("fleet_rental", "deposit_retained_reason"),
        ("fleet_rental", "end_reason"),
        ("fleet_historicalrental", "end_reason"),
        ("fleet_checkin", "notes"),
        ("fleet_ledgerentry", "label"),
        ("fleet_historicalledgerentry", "label"),
        ("drivingschool_enrolment", "exclusion_reason"),
        ("drivingschool_fundingtranche", "override_reason"),
        ("drivingschool_lesson", "cancel_reason"),
        ("drivingschool_attendance", "reason"),
        ("django_admin_log", "object_repr"),
        ("django_admin_log", "change_message"),
    ]:
        assert (table, column) in named, f"{table}.{column} does not name the person"
    assert ("mobility_beneficiary", "birth_date") in columns_with(dump_hits(), "birth date")


@override_settings(PERSONAL_DATA_RETENTION_DAYS=0)
def test_after_anonymisation_a_dump_of_every_table_finds_nothing_of_the_person(the_person):
    call_command("anonymise_beneficiaries", "--wet-run", stdout=StringIO())

    assert dump_hits() == set()
    beneficiary = Beneficiary.objects.get(pk=the_person.pk)
    assert beneficiary.anonymised_at is not None
    # The declined fiche was linked to the person, then erased with them.
    assert set(Referral.objects.values_list("beneficiary_id", flat=True)) == {beneficiary.pk}
    assert Referral.objects.filter(anonymised_at__isnull=True).count() == 0
    # What the reports count stays: sex, territory, situation, birth year.
    assert (beneficiary.sex, beneficiary.commune, beneficiary.postal_code) == (
        "f",
        "Sedan",
        "08200",
    )
    assert beneficiary.qpv and beneficiary.birth_date == date(1986, 1, 1)
    (record,) = ErasureRecord.objects.all()
    assert record.beneficiary_id == beneficiary.pk and record.requested_by is None
    assert record.rows["fleet.LedgerEntry"] >= 5
