"""The SQL side of the funder report: one aggregate query per indicator group.

This module holds the core's queries (referrals, people, pathways, budget) and what every
query of the report shares (`Scope`, `Flags`, `layered`); each module's queries live in
its own report section (fleet/report.py, drivingschool/report.py, diagnostics/report.py,
accompaniment/report.py), registered in mobility/registry.py.

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
from typing import TYPE_CHECKING, Generic, TypeVar

from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from mobility.enums import Outcome, ReferralStatus
from mobility.models import Beneficiary, Budget, Organisation, Pathway, Platform, Referral
from mobility.reports.rules import SHORTEST_POSTAL_PREFIX, PeopleFilters, enclosing

if TYPE_CHECKING:
    import pandas as pd

ACCEPTED = (ReferralStatus.ACCEPTED, ReferralStatus.CLOSED)

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


def people_count(scope: Scope, queryset: QuerySet, path: str) -> Layered[int]:
    """Distinct people (`path`: the beneficiary id) of `queryset`, in each report."""
    prefix = path.removesuffix("_id") + "__"
    return layered(
        scope,
        queryset,
        Flags.of_person(scope.filters, prefix),
        people={"people": Count(path, distinct=True)},
    ).map(lambda values: values["people"] or 0)


def duration(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=DurationField())


def as_days(value) -> int:
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


# ---- pathways: openings and exits


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
