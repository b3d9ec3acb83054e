"""The SQL side of the funder report: one aggregate query per indicator group.

Every function takes the report's `Scope` and returns plain numbers (dicts, or small
pandas frames of a few grouped rows): the database counts, sums and averages; Python
never walks the operational rows. The number of queries is fixed, whatever the volume
(tests/reports/test_report_queries.py pins it).

Each figure counts in the period of its own date (docs/api.md "Reports"): a referral on its
reception, a pathway on its opening or its exit, a service on its start, a check-in, a
payment or an exam on its day, a lesson on its start. Volumes over time (rental days,
fleet capacity) count the days of the period they cover.

Secrecy that survives subtraction (mobility.reports.secrecy, rule 4) needs, beside each
count of people of a filtered report, the same count in every report that encloses it
(`Layered`: the report's own value, then the enclosing ones, in the order of
Scope.cuts). They come from the same query. Its rows are those of the platforms and the
period, whatever the people, grouped by where each person stands on each filter (a few
boolean or small integer columns: `Flags`); every person falls in exactly one group, so
a report's counts, even of distinct people, and sums are the sums of the groups it holds,
added up in Python over a few dozen rows at most. A filtered report thus costs the same
number of queries as a whole one, and a report on everyone is grouped by nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Generic, TypeVar

from django.db.models import (
    Aggregate,
    Avg,
    BooleanField,
    Case,
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
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
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
from mobility.reports.rules import SHORTEST_POSTAL_PREFIX, PeopleFilters, enclosing

if TYPE_CHECKING:
    import pandas as pd

ACCEPTED = (ReferralStatus.ACCEPTED, ReferralStatus.CLOSED)
ZERO_DAYS = Value(timedelta(0), output_field=DurationField())

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Layered(Generic[T]):
    """A figure of the report (`own`) and the same figure in each report that encloses it
    (`enclosing`, in the order of Scope.cuts; empty for a report on everyone)."""

    own: T
    enclosing: tuple[T, ...] = ()

    def map(self, function: Callable[[T], U]) -> Layered[U]:
        return Layered(function(self.own), tuple(function(value) for value in self.enclosing))


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
    def filters(self) -> PeopleFilters:
        return PeopleFilters(
            prescriber_id=self.prescriber_id,
            postal_code=self.postal_code,
            commune=self.commune,
            qpv_only=self.qpv_only,
        )

    @property
    def filters_people(self) -> bool:
        return not self.filters.is_everyone

    @property
    def cuts(self) -> tuple[PeopleFilters, ...]:
        """The people of this report, then those of each report that encloses it."""
        return (self.filters, *enclosing(self.filters))

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

    def rows(self, model, **period) -> QuerySet:
        """Rows of `model` on the scope's platforms, whatever the people (the queries
        group them by `Flags` to count each report's people)."""
        return model.objects.filter(platform_id__in=self.platform_ids, **period).order_by()


# ---- where each row's person stands on the filters, and each report's share of the rows

PRESCRIBER, POSTAL_CODE, COMMUNE, QPV = (
    "cut_prescriber",
    "cut_postal_code",
    "cut_commune",
    "cut_qpv",
)


def _boolean(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


@dataclass(frozen=True)
class Flags:
    """Columns telling where a row's person stands on each filter of the report: referred
    by the prescriber, the length of the longest of the report's postal-code prefixes
    their code starts with (0: none), living in the commune, in a QPV."""

    columns: dict

    @classmethod
    def of_person(
        cls, filters: PeopleFilters, prefix: str, *, referred: QuerySet | None = None
    ) -> Flags:
        """The person reached through `prefix` ("" for Beneficiary). `referred`: the
        fiches that make someone the prescriber's (default: accepted at any time)."""
        prescribed = None
        if filters.prescriber_id:
            if referred is None:
                referred = Referral.objects.filter(status__in=ACCEPTED)
            # An uncorrelated IN: the database reads the prescriber's people once.
            people = (
                referred.filter(prescriber_id=filters.prescriber_id, beneficiary_id__isnull=False)
                .order_by()
                .values("beneficiary_id")
            )
            prescribed = Q(**{f"{prefix}id__in" if prefix else "pk__in": people})
        return cls.build(filters, prefix, prescribed)

    @classmethod
    def of_referral(cls, filters: PeopleFilters) -> Flags:
        """The person as a fiche describes them, and the fiche's prescriber."""
        prescribed = Q(prescriber_id=filters.prescriber_id) if filters.prescriber_id else None
        return cls.build(filters, "", prescribed)

    @classmethod
    def build(cls, filters: PeopleFilters, prefix: str, prescribed: Q | None) -> Flags:
        columns = {}
        if prescribed is not None:
            columns[PRESCRIBER] = _boolean(prescribed)
        if filters.postal_code:
            lengths = range(len(filters.postal_code), SHORTEST_POSTAL_PREFIX - 1, -1)
            columns[POSTAL_CODE] = Case(
                *(
                    When(
                        Q(**{f"{prefix}postal_code__startswith": filters.postal_code[:length]}),
                        then=Value(length),
                    )
                    for length in lengths
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        if filters.commune:
            columns[COMMUNE] = _boolean(Q(**{f"{prefix}commune__iexact": filters.commune}))
        if filters.qpv_only:
            columns[QPV] = _boolean(Q(**{f"{prefix}qpv": True}))
        return cls(columns)


def holds(cut: PeopleFilters, group: Mapping) -> bool:
    """True when the people of a group of rows (its `Flags` values) are in `cut`."""
    return (
        (not cut.prescriber_id or bool(group[PRESCRIBER]))
        and (not cut.postal_code or (group[POSTAL_CODE] or 0) >= len(cut.postal_code))
        and (not cut.commune or bool(group[COMMUNE]))
        and (not cut.qpv_only or bool(group[QPV]))
    )


def _plus(total, value):
    if value is None:
        return total
    return value if total is None else total + value


# Aggregate names never meet a field's name (an aggregate named "qpv" would hide the
# field that another aggregate filters on).
AGGREGATE = "figure_"


def layered(
    scope: Scope,
    queryset: QuerySet,
    flags: Flags,
    *,
    key: str | None = None,
    label: str | None = None,
    figures: Mapping[str, Aggregate] | None = None,
    people: Mapping[str, Aggregate] | None = None,
) -> Layered[dict]:
    """Run one aggregate query and give each report its share.

    `figures` (sums) are given for the report only, `people` (counts) for the report and
    each enclosing one. Both must add up over disjoint groups of people: counts, distinct
    counts of people, sums (a mean is a sum and a count). With `key`, the values come per
    value of that column ({key value: values}, the groups with rows of that report only);
    `label` is a column that depends on the key only (a name), given with the values.
    """
    figures, people = dict(figures or {}), dict(people or {})
    aggregates = {AGGREGATE + name: value for name, value in {**figures, **people}.items()}
    group_by = [name for name in (key, label) if name] + list(flags.columns)
    if group_by:
        rows = list(queryset.annotate(**flags.columns).values(*group_by).annotate(**aggregates))
    else:
        rows = [queryset.aggregate(**aggregates)]

    def share(cut: PeopleFilters, names: Iterable[str]) -> dict:
        totals: dict = {}
        for row in rows:
            if not holds(cut, row):
                continue
            values = totals.setdefault(row[key] if key else None, dict.fromkeys(names))
            if label:
                values[label] = row[label]
            for name in names:
                values[name] = _plus(values[name], row[AGGREGATE + name])
        if key:
            return totals
        return totals.get(None, dict.fromkeys(names))

    cuts = scope.cuts
    return Layered(
        share(cuts[0], [*figures, *people]),
        tuple(share(cut, list(people)) for cut in cuts[1:]),
    )


def _people_count(scope: Scope, queryset: QuerySet, path: str) -> Layered[int]:
    """Distinct people (`path`: the beneficiary id) of `queryset`, in each report."""
    prefix = path.removesuffix("_id") + "__"
    return layered(
        scope,
        queryset,
        Flags.of_person(scope.filters, prefix),
        people={"people": Count(path, distinct=True)},
    ).map(lambda values: values["people"] or 0)


def _days(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=DurationField())


def _as_days(value) -> int:
    if value is None:
        return 0
    if isinstance(value, timedelta):
        return value.days
    return int(value)


# ---- referrals and people


def referrals_by_prescriber(scope: Scope) -> Layered[pd.DataFrame]:
    """Referrals received in the period, per prescriber organisation (id, name, count):
    the organisations that sent some, in the report and in each enclosing report."""
    import pandas as pd  # loaded on the first report, not at start-up

    referrals = Referral.objects.filter(
        platform_id__in=scope.platform_ids,
        received_on__gte=scope.start,
        received_on__lte=scope.end,
    ).order_by()
    counts = layered(
        scope,
        referrals,
        Flags.of_referral(scope.filters),
        key="prescriber_id",
        label="prescriber__name",
        people={"count": Count("pk")},
    )

    def frame(groups: dict) -> pd.DataFrame:
        records = [
            {"prescriber_id": pk, "organisation": values["prescriber__name"], "count": count}
            for pk, values in groups.items()
            if (count := values["count"])
        ]
        return pd.DataFrame.from_records(
            records, columns=["prescriber_id", "organisation", "count"]
        )

    return counts.map(frame)


def people_met(scope: Scope) -> Layered[dict[str, int]]:
    """People whose pathway opened in the period (the acceptance), each once, whatever
    the day their fiche was received: a fiche received in August and accepted in
    December counts in December.

    For a prescriber, the people of its own fiches accepted into those pathways."""
    opened = Pathway.objects.filter(
        platform_id__in=scope.platform_ids,
        opened_on__gte=scope.start,
        opened_on__lte=scope.end,
    )
    in_period = Referral.objects.filter(
        platform_id__in=scope.platform_ids,
        status__in=ACCEPTED,
        pathway__opened_on__gte=scope.start,
        pathway__opened_on__lte=scope.end,
    )
    people = Beneficiary.objects.filter(
        Exists(opened.filter(beneficiary_id=OuterRef("pk"))),
        platform_id__in=scope.platform_ids,
    ).order_by()
    return layered(
        scope,
        people,
        Flags.of_person(scope.filters, "", referred=in_period),
        people={
            "met": Count("pk"),
            "women": Count("pk", filter=Q(sex="f")),
            "men": Count("pk", filter=Q(sex="m")),
            "other": Count("pk", filter=Q(sex="x")),
            "qpv": Count("pk", filter=Q(qpv=True)),
            "rsa": Count("pk", filter=Q(rsa=True)),
        },
    ).map(lambda counts: {name: value or 0 for name, value in counts.items()})


# ---- services started


def rentals_started_by_kind(scope: Scope) -> Layered[dict[str, int]]:
    """People who started a rental in the period, per vehicle kind."""
    return layered(
        scope,
        scope.rows(
            Rental,
            start_date__gte=scope.start,
            start_date__lte=scope.end,
            vehicle__platform_id__in=scope.platform_ids,
        ),
        Flags.of_person(scope.filters, "beneficiary__"),
        key="vehicle__kind",
        people={"people": Count("beneficiary_id", distinct=True)},
    ).map(lambda groups: {kind: values["people"] for kind, values in groups.items()})


def enrolments_started(scope: Scope) -> Layered[int]:
    """People who started the auto-école sociale in the period."""
    return _people_count(
        scope,
        scope.rows(Enrolment, start_date__gte=scope.start, start_date__lte=scope.end),
        "pathway__beneficiary_id",
    )


def entry_diagnostics(scope: Scope) -> Layered[int]:
    """People whose entry diagnostic (completed) was taken in the period."""
    return _people_count(
        scope,
        scope.rows(
            Diagnostic,
            kind=DiagnosticKind.ENTRY,
            status=DiagnosticStatus.COMPLETED,
            taken_on__gte=scope.start,
            taken_on__lte=scope.end,
        ),
        "pathway__beneficiary_id",
    )


# ---- fleet


def _rentals_in_use(scope: Scope):
    """Rentals with at least one day of use in [start, horizon), with `days` annotated."""
    horizon = scope.horizon
    rentals = scope.rows(Rental).filter(start_date__lt=horizon)
    rentals = rentals.filter(Q(end_date__isnull=True) | Q(end_date__gt=scope.start))
    first = Greatest(F("start_date"), Value(scope.start, output_field=DateField()))
    last = Least(
        Coalesce(F("end_date"), Value(scope.today, output_field=DateField())),
        Value(horizon, output_field=DateField()),
    )
    return rentals.annotate(first_day=first, last_day=last).filter(last_day__gt=F("first_day"))


def rental_days_by_kind(scope: Scope) -> Layered[dict[str, dict[str, int]]]:
    """Rental days in the period and the people behind them, per vehicle kind
    ({kind: {"days", "people"}}; the enclosing reports give only the people).

    A rental occupies the days from its start (included) to its return (excluded), as a
    rental counts them (docs/api.md); an open one up to today.
    """
    by_kind = layered(
        scope,
        _rentals_in_use(scope).filter(vehicle__platform_id__in=scope.platform_ids),
        Flags.of_person(scope.filters, "beneficiary__"),
        key="vehicle__kind",
        figures={"days": Sum(_days(F("last_day") - F("first_day")))},
        people={"people": Count("beneficiary_id", distinct=True)},
    )
    own = {
        kind: {"days": _as_days(values["days"]), "people": values["people"]}
        for kind, values in by_kind.own.items()
    }
    return Layered(own, by_kind.enclosing)


def renters(scope: Scope) -> Layered[int]:
    """Distinct people with rental days in the period (all kinds)."""
    return _people_count(scope, _rentals_in_use(scope), "beneficiary_id")


def km_by_kind(scope: Scope) -> dict[str, int]:
    """Km driven in the period: those of each point étape dated in it, plus those of
    each return dated in it (since the last point étape, or the hand-over).

    A return's km are its rental's whole distance minus its points étapes' km: two
    set-based sums, no subquery per rental.
    """
    returned_in_period = Q(
        rental__platform_id__in=scope.platform_ids,
        rental__status=RentalStatus.RETURNED,
        rental__end_date__gte=scope.start,
        rental__end_date__lte=scope.end,
    )
    in_period = Q(date__gte=scope.start, date__lte=scope.end)
    checkins = layered(
        scope,
        scope.rows(CheckIn, rental__vehicle__platform_id__in=scope.platform_ids).filter(
            in_period | returned_in_period
        ),
        Flags.of_person(scope.filters, "rental__beneficiary__"),
        key="rental__vehicle__kind",
        figures={
            "km": Sum("km_driven", filter=in_period),
            "before_return": Sum("km_driven", filter=returned_in_period),
        },
    ).own
    km = {
        kind: int(values["km"] or 0) - int(values["before_return"] or 0)
        for kind, values in checkins.items()
    }
    returns = layered(
        scope,
        _returned_in_period(scope).filter(vehicle__platform_id__in=scope.platform_ids),
        Flags.of_person(scope.filters, "beneficiary__"),
        key="vehicle__kind",
        figures={
            "km": Sum(
                ExpressionWrapper(
                    F("end_odometer_km") - F("start_odometer_km"), output_field=IntegerField()
                )
            )
        },
    ).own
    for kind, values in returns.items():
        km[kind] = km.get(kind, 0) + int(values["km"] or 0)
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
    rented_in_period = scope.rows(
        Rental, vehicle_id=OuterRef("pk"), start_date__lt=scope.horizon
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
    totals = layered(
        scope,
        scope.rows(LedgerEntry, date__gte=scope.start, date__lte=scope.end),
        Flags.of_person(scope.filters, "rental__beneficiary__"),
        figures={
            "collected": Sum("amount", filter=Q(kind__in=list(SETTLING_KINDS))),
            "refunded": Sum("amount", filter=Q(kind__in=list(REFUND_KINDS))),
            "charged": Sum("amount", filter=Q(kind__in=list(OWED_KINDS))),
        },
    ).own
    # The payers by a semi-join on the rentals: a DISTINCT over the ledger's rows would
    # sort them all. A payment cancelled by its reversal is no payment.
    paid = scope.rows(
        LedgerEntry,
        rental_id=OuterRef("pk"),
        kind__in=list(SETTLING_KINDS),
        reverses__isnull=True,
        reversal__isnull=True,
        date__gte=scope.start,
        date__lte=scope.end,
    )
    payers = _people_count(scope, scope.rows(Rental).filter(Exists(paid)), "beneficiary_id")
    return {
        "collected": (totals["collected"] or Decimal("0.00"))
        - (totals["refunded"] or Decimal("0.00")),
        "charged": totals["charged"] or Decimal("0.00"),
        "payers": payers,
    }


def _returned_in_period(scope: Scope):
    """The rentals of the scope returned in its period."""
    return scope.rows(
        Rental, status=RentalStatus.RETURNED, end_date__gte=scope.start, end_date__lte=scope.end
    )


def returned_rentals(scope: Scope) -> dict[str, object]:
    """Rentals returned in the period: how many, by how many people, their total days."""
    totals = layered(
        scope,
        _returned_in_period(scope),
        Flags.of_person(scope.filters, "beneficiary__"),
        figures={"count": Count("pk"), "days": Sum(_days(F("end_date") - F("start_date")))},
        people={"people": Count("beneficiary_id", distinct=True)},
    )
    return {
        "count": totals.own["count"] or 0,
        "people": totals.map(lambda values: values["people"] or 0),
        "days": _as_days(totals.own["days"]),
    }


# ---- driving school


def enrolled(scope: Scope) -> Layered[int]:
    """People in training in the period: enrolled in it, or marked on a lesson held in it."""
    lower, upper = scope.local_bounds()
    marked = scope.rows(
        Attendance,
        enrolment_id=OuterRef("pk"),
        lesson__platform_id__in=scope.platform_ids,
        lesson__start__gte=lower,
        lesson__start__lt=upper,
    )
    return _people_count(
        scope,
        scope.rows(Enrolment).filter(
            Q(start_date__gte=scope.start, start_date__lte=scope.end) | Exists(marked)
        ),
        "pathway__beneficiary_id",
    )


def attendance(scope: Scope) -> dict[str, object]:
    """Attended and counted minutes of the lessons held in the period (the rule of
    drivingschool.assiduity: late is attended, excused counts as held if the programme
    says so, unexcused always), and the people concerned."""
    lower, upper = scope.local_bounds()
    held = {
        "lesson__platform_id__in": scope.platform_ids,
        "lesson__start__gte": lower,
        "lesson__start__lt": upper,
        "lesson__cancelled_at__isnull": True,
    }
    counted = Q(status__in=[*ATTENDED, AttendanceStatus.UNEXCUSED]) | Q(
        status=AttendanceStatus.EXCUSED, enrolment__programme__excused_count_as_held=True
    )
    totals = layered(
        scope,
        scope.rows(Attendance, **held),
        Flags.of_person(scope.filters, "enrolment__pathway__beneficiary__"),
        figures={
            "attended": Sum("lesson__duration_minutes", filter=Q(status__in=list(ATTENDED))),
            "counted": Sum("lesson__duration_minutes", filter=counted),
        },
    ).own
    # The people by a semi-join on the enrolments: a DISTINCT over the attendance rows
    # would sort millions of them.
    marked = scope.rows(Attendance, enrolment_id=OuterRef("pk"), **held)
    people = _people_count(
        scope, scope.rows(Enrolment).filter(Exists(marked)), "pathway__beneficiary_id"
    )
    return {
        "attended": totals["attended"] or 0,
        "counted": totals["counted"] or 0,
        "people": people,
    }


EXAM_FIGURES = ("presented", "passed", "sittings", "sittings_passed")


def exams(scope: Scope) -> Layered[dict[str, dict[str, int]]]:
    """Per exam kind: people who sat it in the period and those who passed it then, and
    the sittings (every attempt) and passed sittings of the period, for this report."""
    person = "enrolment__pathway__beneficiary_id"

    def by_kind(groups: dict) -> dict[str, dict[str, int]]:
        result = {kind: dict.fromkeys(EXAM_FIGURES, 0) for kind in ExamKind.values}
        for kind, values in groups.items():
            result[kind] = {name: values.get(name) or 0 for name in EXAM_FIGURES}
        return result

    return layered(
        scope,
        scope.rows(ExamAttempt, date__gte=scope.start, date__lte=scope.end),
        Flags.of_person(scope.filters, "enrolment__pathway__beneficiary__"),
        key="kind",
        # Sittings are counts that add up over groups of people, like the people: every
        # enclosing report gets its own, as the zeros of a figure would otherwise say.
        people={
            "presented": Count(person, distinct=True),
            "passed": Count(person, distinct=True, filter=Q(passed=True)),
            "sittings": Count("pk"),
            "sittings_passed": Count("pk", filter=Q(passed=True)),
        },
    ).map(by_kind)


def departmental_averages(scope: Scope) -> dict[str, Decimal | None]:
    """The departmental pass rates the platforms entered (their mean over several)."""
    averages = Programme.objects.filter(platform_id__in=scope.platform_ids).aggregate(
        theory=Avg("theory_departmental_pass_rate"),
        driving=Avg("driving_departmental_pass_rate"),
    )
    return {ExamKind.THEORY: averages["theory"], ExamKind.DRIVING: averages["driving"]}


# ---- pathways: openings, exits, progress


def pathways(scope: Scope) -> Layered[dict[str, int]]:
    """Pathways opened and closed in the period; exits per outcome; durable solutions."""
    opened = Q(opened_on__gte=scope.start, opened_on__lte=scope.end)
    closed = Q(closed_on__gte=scope.start, closed_on__lte=scope.end)
    counts = {
        "opened": Count("pk", filter=opened),
        "closed": Count("pk", filter=closed),
        "durable": Count("pk", filter=closed & Q(durable_solution=True)),
    }
    for outcome in Outcome.values:
        counts[f"outcome_{outcome}"] = Count("pk", filter=closed & Q(outcome=outcome))
    return layered(
        scope,
        scope.rows(Pathway).filter(opened | closed),
        Flags.of_person(scope.filters, "beneficiary__"),
        people=counts,
    ).map(lambda values: {name: value or 0 for name, value in values.items()})


def mobility_potential(scope: Scope) -> dict[str, object]:
    """Pathways whose exit diagnostic was taken in the period, with an entry diagnostic:
    their number and mean entry and exit potentiel de mobilité. The entry is reached by a
    join (a pathway has at most one entry diagnostic: a database constraint)."""
    exits = scope.rows(
        Diagnostic,
        kind=DiagnosticKind.EXIT,
        status=DiagnosticStatus.COMPLETED,
        taken_on__gte=scope.start,
        taken_on__lte=scope.end,
    ).filter(
        pathway__diagnostics__platform_id__in=scope.platform_ids,
        pathway__diagnostics__kind=DiagnosticKind.ENTRY,
        pathway__diagnostics__status=DiagnosticStatus.COMPLETED,
    )
    entry = "pathway__diagnostics__mobility_potential"
    # Means as sums and counts: they add up over the groups of people.
    potential = layered(
        scope,
        exits,
        Flags.of_person(scope.filters, "pathway__beneficiary__"),
        figures={
            "entry_sum": Sum(entry),
            "entry_count": Count(entry),
            "exit_sum": Sum("mobility_potential"),
            "exit_count": Count("mobility_potential"),
        },
        people={"people": Count("pathway__beneficiary_id", distinct=True)},
    )
    own = potential.own

    def mean(total, count):
        return total / count if count else None

    return {
        "people": potential.map(lambda values: values["people"] or 0),
        "entry_mean": mean(own["entry_sum"], own["entry_count"]),
        "exit_mean": mean(own["exit_sum"], own["exit_count"]),
    }


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
