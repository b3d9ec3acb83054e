"""The SQL side of the funder report: one aggregate query per indicator group.

Every function takes the report's `Scope` and returns plain numbers (dicts, or small
pandas frames of a few grouped rows): the database counts, sums and averages; Python
never walks the operational rows. The number of queries is fixed, whatever the volume
(tests/reports/test_report_queries.py pins it).

Each figure counts in the period of its own date (API.md "Reports"): a referral on its
reception, a pathway on its opening or its exit, a service on its start, a check-in, a
payment or an exam on its day, a lesson on its start. Volumes over time (rental days,
fleet capacity) count the days of the period they cover.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import (
    Avg,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils import timezone

from diagnostics.enums import DiagnosticKind, DiagnosticStatus
from diagnostics.models import Diagnostic
from drivingschool.assiduity import ATTENDED
from drivingschool.enums import AttendanceStatus, ExamKind
from drivingschool.models import Attendance, Enrolment, ExamAttempt, Programme
from fleet.enums import RentalStatus, VehicleStatus
from fleet.models import CheckIn, LedgerEntry, Rental, Vehicle
from fleet.rules import OWED_KINDS, REFUND_KINDS, SETTLING_KINDS
from mobility.enums import Outcome, ReferralStatus
from mobility.models import Beneficiary, Budget, Organisation, Pathway, Platform, Referral

if TYPE_CHECKING:
    import pandas as pd

ACCEPTED = (ReferralStatus.ACCEPTED, ReferralStatus.CLOSED)
ZERO_DAYS = Value(timedelta(0), output_field=DurationField())


@dataclass(frozen=True)
class Scope:
    """What a report covers: a period, platforms, and optional filters on the people.

    `postal_code` is a prefix ("08" for a département, "08200" for a town), `commune` an
    exact name (case ignored), `qpv_only` keeps the residents of a quartier prioritaire.
    They apply to the person as the platform knows them today (the referral's person for
    the referrals themselves). `prescriber_id` keeps the people referred by that
    organisation. `funder_id` does not filter the activity: it names the funder the
    report is addressed to and picks its share of the budget.
    """

    start: date
    end: date
    platform_ids: tuple[int, ...]
    today: date
    funder_id: int | None = None
    prescriber_id: int | None = None
    postal_code: str = ""
    commune: str = ""
    qpv_only: bool = False
    now: datetime | None = field(default=None, compare=False)

    @property
    def filters_people(self) -> bool:
        return bool(self.prescriber_id or self.postal_code or self.commune or self.qpv_only)

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def horizon(self) -> date:
        """Days of use count up to the end of the period, never beyond today."""
        return min(self.end_exclusive, self.today)

    def local_bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, min(end + 1 day 00:00, now)) in local time, for lessons."""
        tz = timezone.get_current_timezone()
        lower = datetime.combine(self.start, time.min, tzinfo=tz)
        upper = datetime.combine(self.end_exclusive, time.min, tzinfo=tz)
        now = self.now or timezone.now()
        return lower, min(upper, now)

    def people(self, prefix: str, *, with_prescriber: bool = True) -> Q:
        """The filters on the person reached through `prefix` ("" for Beneficiary)."""
        condition = Q()
        if self.postal_code:
            condition &= Q(**{f"{prefix}postal_code__startswith": self.postal_code})
        if self.commune:
            condition &= Q(**{f"{prefix}commune__iexact": self.commune})
        if self.qpv_only:
            condition &= Q(**{f"{prefix}qpv": True})
        if self.prescriber_id and with_prescriber:
            condition &= Q(
                Exists(
                    Referral.objects.filter(
                        beneficiary_id=OuterRef(f"{prefix}id" if prefix else "pk"),
                        prescriber_id=self.prescriber_id,
                        status__in=ACCEPTED,
                    )
                )
            )
        return condition

    def rows(self, model, prefix: str, **period):
        """Rows of `model` on the scope's platforms, people filtered through `prefix`."""
        return (
            model.objects.filter(platform_id__in=self.platform_ids, **period)
            .filter(self.people(prefix))
            .order_by()
        )


def _days(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=DurationField())


def _as_days(value) -> int:
    if value is None:
        return 0
    if isinstance(value, timedelta):
        return value.days
    return int(value)


# ---- referrals and people


def referrals_by_prescriber(scope: Scope) -> pd.DataFrame:
    """Referrals received in the period, per prescriber organisation (id, name, count)."""
    import pandas as pd  # loaded on the first report, not at start-up

    referrals = Referral.objects.filter(
        platform_id__in=scope.platform_ids,
        received_on__gte=scope.start,
        received_on__lte=scope.end,
    ).order_by()
    if scope.postal_code:
        referrals = referrals.filter(postal_code__startswith=scope.postal_code)
    if scope.commune:
        referrals = referrals.filter(commune__iexact=scope.commune)
    if scope.qpv_only:
        referrals = referrals.filter(qpv=True)
    if scope.prescriber_id:
        referrals = referrals.filter(prescriber_id=scope.prescriber_id)
    rows = referrals.values("prescriber_id", "prescriber__name").annotate(count=Count("pk"))
    frame = pd.DataFrame.from_records(
        list(rows), columns=["prescriber_id", "prescriber__name", "count"]
    )
    return frame.rename(columns={"prescriber__name": "organisation"})


def people_met(scope: Scope) -> dict[str, int]:
    """People of the referrals received in the period and accepted (or since closed)."""
    accepted = Referral.objects.filter(
        beneficiary_id=OuterRef("pk"),
        status__in=ACCEPTED,
        received_on__gte=scope.start,
        received_on__lte=scope.end,
    )
    if scope.prescriber_id:
        accepted = accepted.filter(prescriber_id=scope.prescriber_id)
    people = Beneficiary.objects.filter(
        Exists(accepted),
        scope.people("", with_prescriber=False),
        platform_id__in=scope.platform_ids,
    )
    return people.order_by().aggregate(
        met=Count("pk"),
        women=Count("pk", filter=Q(sex="f")),
        men=Count("pk", filter=Q(sex="m")),
        other=Count("pk", filter=Q(sex="x")),
        qpv=Count("pk", filter=Q(qpv=True)),
        rsa=Count("pk", filter=Q(rsa=True)),
    )


# ---- services started


def rentals_started_by_kind(scope: Scope) -> dict[str, int]:
    """People who started a rental in the period, per vehicle kind."""
    rows = (
        scope.rows(Rental, "beneficiary__", start_date__gte=scope.start, start_date__lte=scope.end)
        .values("vehicle__kind")
        .annotate(people=Count("beneficiary_id", distinct=True))
    )
    return {row["vehicle__kind"]: row["people"] for row in rows}


def enrolments_started(scope: Scope) -> int:
    """People who started the auto-école sociale in the period."""
    return scope.rows(
        Enrolment,
        "pathway__beneficiary__",
        start_date__gte=scope.start,
        start_date__lte=scope.end,
    ).aggregate(people=Count("pathway__beneficiary_id", distinct=True))["people"]


def entry_diagnostics(scope: Scope) -> int:
    """People whose entry diagnostic (completed) was taken in the period."""
    return scope.rows(
        Diagnostic,
        "pathway__beneficiary__",
        kind=DiagnosticKind.ENTRY,
        status=DiagnosticStatus.COMPLETED,
        taken_on__gte=scope.start,
        taken_on__lte=scope.end,
    ).aggregate(people=Count("pathway__beneficiary_id", distinct=True))["people"]


# ---- fleet


def _rentals_in_use(scope: Scope):
    """Rentals with at least one day of use in [start, horizon), with `days` annotated."""
    horizon = scope.horizon
    rentals = scope.rows(Rental, "beneficiary__").filter(
        start_date__lt=horizon,
    )
    rentals = rentals.filter(Q(end_date__isnull=True) | Q(end_date__gt=scope.start))
    first = Greatest(F("start_date"), Value(scope.start, output_field=DateField()))
    last = Least(
        Coalesce(F("end_date"), Value(scope.today, output_field=DateField())),
        Value(horizon, output_field=DateField()),
    )
    return rentals.annotate(first_day=first, last_day=last).filter(last_day__gt=F("first_day"))


def rental_days_by_kind(scope: Scope) -> pd.DataFrame:
    """Rental days in the period and the people behind them, per vehicle kind.

    A rental occupies the days from its start (included) to its return (excluded), as a
    rental counts them (API.md); an open one up to today.
    """
    import pandas as pd  # loaded on the first report, not at start-up

    rows = (
        _rentals_in_use(scope)
        .values("vehicle__kind")
        .annotate(
            days=Sum(_days(F("last_day") - F("first_day"))),
            people=Count("beneficiary_id", distinct=True),
        )
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["vehicle__kind", "days", "people"])
    frame["days"] = frame["days"].map(_as_days)
    return frame.rename(columns={"vehicle__kind": "kind"}).set_index("kind")


def renters(scope: Scope) -> int:
    """Distinct people with rental days in the period (all kinds)."""
    return _rentals_in_use(scope).aggregate(people=Count("beneficiary_id", distinct=True))["people"]


def km_by_kind(scope: Scope) -> dict[str, int]:
    """Km driven in the period: those of each point étape dated in it, plus those of
    each return dated in it (since the last point étape, or the hand-over).

    A return's km are its rental's whole distance minus its points étapes' km: two
    set-based sums, no subquery per rental.
    """
    returned_in_period = Q(
        rental__status=RentalStatus.RETURNED,
        rental__end_date__gte=scope.start,
        rental__end_date__lte=scope.end,
    )
    in_period = Q(date__gte=scope.start, date__lte=scope.end)
    checkins = (
        scope.rows(CheckIn, "rental__beneficiary__")
        .filter(in_period | returned_in_period)
        .values("rental__vehicle__kind")
        .annotate(
            km=Sum("km_driven", filter=in_period),
            before_return=Sum("km_driven", filter=returned_in_period),
        )
    )
    km: dict[str, int] = {}
    for row in checkins:
        kind = row["rental__vehicle__kind"]
        km[kind] = int(row["km"] or 0) - int(row["before_return"] or 0)
    returns = (
        scope.rows(
            Rental,
            "beneficiary__",
            status=RentalStatus.RETURNED,
            end_date__gte=scope.start,
            end_date__lte=scope.end,
        )
        .values("vehicle__kind")
        .annotate(
            km=Sum(
                ExpressionWrapper(
                    F("end_odometer_km") - F("start_odometer_km"), output_field=IntegerField()
                )
            )
        )
    )
    for row in returns:
        km[row["vehicle__kind"]] = km.get(row["vehicle__kind"], 0) + int(row["km"] or 0)
    return km


def fleet_capacity_days(scope: Scope) -> int:
    """Vehicle-days the fleet offered in the period, up to today: each vehicle counts from
    the day it joined the fleet (its creation, or its first rental if typed in later).
    Retired vehicles count only if they were rented in the period."""
    first_rental = (
        Rental.objects.filter(vehicle_id=OuterRef("pk"))
        .order_by()
        .values("vehicle_id")
        .annotate(first=Min("start_date"))
        .values("first")
    )
    created = TruncDate("created_at")
    joined = Least(created, Coalesce(Subquery(first_rental, output_field=DateField()), created))
    rented_in_period = Rental.objects.filter(
        vehicle_id=OuterRef("pk"), start_date__lt=scope.horizon
    ).filter(Q(end_date__isnull=True) | Q(end_date__gt=scope.start))
    vehicles = (
        Vehicle.objects.filter(platform_id__in=scope.platform_ids)
        .filter(~Q(status=VehicleStatus.RETIRED) | Exists(rented_in_period))
        .order_by()
        .annotate(
            first_day=Greatest(joined, Value(scope.start, output_field=DateField())),
            last_day=Value(scope.horizon, output_field=DateField()),
        )
        .filter(last_day__gt=F("first_day"))
    )
    total = vehicles.aggregate(days=Sum(_days(F("last_day") - F("first_day"))))["days"]
    return _as_days(total)


def revenue(scope: Scope) -> dict[str, object]:
    """Money of the rentals dated in the period: collected (payments and retained
    deposits, less refunds), charged (amounts due and damages), and the people who paid.
    A reversal carries the opposite amount of its entry, so the sums leave both out."""
    entries = scope.rows(
        LedgerEntry, "rental__beneficiary__", date__gte=scope.start, date__lte=scope.end
    )
    totals = entries.aggregate(
        collected=Sum("amount", filter=Q(kind__in=list(SETTLING_KINDS))),
        refunded=Sum("amount", filter=Q(kind__in=list(REFUND_KINDS))),
        charged=Sum("amount", filter=Q(kind__in=list(OWED_KINDS))),
    )
    # The payers by a semi-join on the rentals: a DISTINCT over the ledger's rows would
    # sort them all. A payment cancelled by its reversal is no payment.
    paid = LedgerEntry.objects.filter(
        rental_id=OuterRef("pk"),
        kind__in=list(SETTLING_KINDS),
        reverses__isnull=True,
        reversal__isnull=True,
        date__gte=scope.start,
        date__lte=scope.end,
    )
    payers = (
        scope.rows(Rental, "beneficiary__")
        .filter(Exists(paid))
        .aggregate(people=Count("beneficiary_id", distinct=True))["people"]
    )
    return {
        "collected": (totals["collected"] or Decimal("0.00"))
        - (totals["refunded"] or Decimal("0.00")),
        "charged": totals["charged"] or Decimal("0.00"),
        "payers": payers,
    }


def returned_rentals(scope: Scope) -> dict[str, object]:
    """Rentals returned in the period: how many, by how many people, their total days."""
    totals = scope.rows(
        Rental,
        "beneficiary__",
        status=RentalStatus.RETURNED,
        end_date__gte=scope.start,
        end_date__lte=scope.end,
    ).aggregate(
        count=Count("pk"),
        people=Count("beneficiary_id", distinct=True),
        days=Sum(_days(F("end_date") - F("start_date"))),
    )
    return {"count": totals["count"], "people": totals["people"], "days": _as_days(totals["days"])}


# ---- driving school


def enrolled(scope: Scope) -> int:
    """People in training in the period: enrolled in it, or marked on a lesson held in it."""
    lower, upper = scope.local_bounds()
    marked = Attendance.objects.filter(
        enrolment_id=OuterRef("pk"), lesson__start__gte=lower, lesson__start__lt=upper
    )
    return (
        scope.rows(Enrolment, "pathway__beneficiary__")
        .filter(Q(start_date__gte=scope.start, start_date__lte=scope.end) | Exists(marked))
        .aggregate(people=Count("pathway__beneficiary_id", distinct=True))["people"]
    )


def attendance(scope: Scope) -> dict[str, int]:
    """Attended and counted minutes of the lessons held in the period (the rule of
    drivingschool.assiduity: late is attended, excused counts as held if the programme
    says so, unexcused always), and the people concerned."""
    lower, upper = scope.local_bounds()
    held = {
        "lesson__start__gte": lower,
        "lesson__start__lt": upper,
        "lesson__cancelled_at__isnull": True,
    }
    counted = Q(status__in=[*ATTENDED, AttendanceStatus.UNEXCUSED]) | Q(
        status=AttendanceStatus.EXCUSED, enrolment__programme__excused_count_as_held=True
    )
    totals = scope.rows(Attendance, "enrolment__pathway__beneficiary__", **held).aggregate(
        attended=Sum("lesson__duration_minutes", filter=Q(status__in=list(ATTENDED))),
        counted=Sum("lesson__duration_minutes", filter=counted),
    )
    # The people by a semi-join on the enrolments: a DISTINCT over the attendance rows
    # would sort millions of them.
    marked = Attendance.objects.filter(enrolment_id=OuterRef("pk"), **held)
    people = (
        scope.rows(Enrolment, "pathway__beneficiary__")
        .filter(Exists(marked))
        .aggregate(people=Count("pathway__beneficiary_id", distinct=True))["people"]
    )
    return {
        "attended": totals["attended"] or 0,
        "counted": totals["counted"] or 0,
        "people": people,
    }


def exams(scope: Scope) -> dict[str, dict[str, int]]:
    """Per exam kind: people who sat it in the period, and those who passed it then."""
    rows = (
        scope.rows(
            ExamAttempt,
            "enrolment__pathway__beneficiary__",
            date__gte=scope.start,
            date__lte=scope.end,
        )
        .values("kind")
        .annotate(
            presented=Count("enrolment__pathway__beneficiary_id", distinct=True),
            passed=Count(
                "enrolment__pathway__beneficiary_id", distinct=True, filter=Q(passed=True)
            ),
        )
    )
    result = {kind: {"presented": 0, "passed": 0} for kind in ExamKind.values}
    for row in rows:
        result[row["kind"]] = {"presented": row["presented"], "passed": row["passed"]}
    return result


def departmental_averages(scope: Scope) -> dict[str, Decimal | None]:
    """The departmental pass rates the platforms entered (their mean over several)."""
    averages = Programme.objects.filter(platform_id__in=scope.platform_ids).aggregate(
        theory=Avg("theory_departmental_pass_rate"),
        driving=Avg("driving_departmental_pass_rate"),
    )
    return {ExamKind.THEORY: averages["theory"], ExamKind.DRIVING: averages["driving"]}


# ---- pathways: openings, exits, progress


def pathways(scope: Scope) -> dict[str, int]:
    """Pathways opened and closed in the period; exits per outcome; durable solutions."""
    opened = Q(opened_on__gte=scope.start, opened_on__lte=scope.end)
    closed = Q(closed_on__gte=scope.start, closed_on__lte=scope.end)
    aggregates = {
        "opened": Count("pk", filter=opened),
        "closed": Count("pk", filter=closed),
        "durable": Count("pk", filter=closed & Q(durable_solution=True)),
    }
    for outcome in Outcome.values:
        aggregates[f"outcome_{outcome}"] = Count("pk", filter=closed & Q(outcome=outcome))
    return scope.rows(Pathway, "beneficiary__").filter(opened | closed).aggregate(**aggregates)


def mobility_potential(scope: Scope) -> dict[str, object]:
    """Pathways whose exit diagnostic was taken in the period, with an entry diagnostic:
    their number and mean entry and exit potentiel de mobilité. The entry is reached by a
    join (a pathway has at most one entry diagnostic: a database constraint)."""
    exits = scope.rows(
        Diagnostic,
        "pathway__beneficiary__",
        kind=DiagnosticKind.EXIT,
        status=DiagnosticStatus.COMPLETED,
        taken_on__gte=scope.start,
        taken_on__lte=scope.end,
    ).filter(
        pathway__diagnostics__kind=DiagnosticKind.ENTRY,
        pathway__diagnostics__status=DiagnosticStatus.COMPLETED,
    )
    return exits.aggregate(
        people=Count("pathway__beneficiary_id", distinct=True),
        entry_mean=Avg("pathway__diagnostics__mobility_potential"),
        exit_mean=Avg("mobility_potential"),
    )


# ---- budget and names


def budget_lines(scope: Scope) -> pd.DataFrame:
    """The budget lines that share days with the period (a handful per platform)."""
    import pandas as pd  # loaded on the first report, not at start-up

    rows = (
        Budget.objects.filter(platform_id__in=scope.platform_ids)
        .overlapping(scope.start, scope.end)
        .order_by("pk")
        .values("funder_id", "period_start", "period_end", "amount")
    )
    return pd.DataFrame.from_records(
        list(rows), columns=["funder_id", "period_start", "period_end", "amount"]
    )


def names(scope: Scope) -> dict[str, object]:
    """Names for the cover: platforms, and the funder and prescriber filtered on."""
    platforms = list(
        Platform.objects.filter(pk__in=scope.platform_ids)
        .order_by("name")
        .values("id", "name", "department")
    )
    wanted = [pk for pk in (scope.funder_id, scope.prescriber_id) if pk]
    organisations = (
        dict(Organisation.objects.filter(pk__in=wanted).values_list("pk", "name")) if wanted else {}
    )
    return {
        "platforms": platforms,
        "funder": organisations.get(scope.funder_id),
        "prescriber": organisations.get(scope.prescriber_id),
    }
