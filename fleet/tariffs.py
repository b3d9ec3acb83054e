"""What a rental costs: a pure function of the tariff grid, the vehicle kind, the person's
situation and the period. No ORM, no clock, no float.

How an amount is computed (this order is the documented rule):

1. Days are counted as a rental counts them: ``end - start`` (from 5 to 12 January is
   7 days). A period starts on or after the rental start.
2. A grid is a list of monthly steps per vehicle kind, each a daily rate. Step 1 covers
   the first month of the rental (from its start day to the same day of the next month),
   step 2 the second, and so on; after the last step, the last rate goes on. The
   default grid has a single step: one daily rate for the whole rental.
3. Reductions are applied, for each day, in the grid's order, each to what remains
   after the previous ones: ``remaining - round(remaining × percent / 100)``, rounded
   half up to the cent in the beneficiary's favour. A reduction may be limited to the
   first months (``until_month``). Since a reduction is at most 100 % of what remains,
   the amount never goes below zero, however many reductions a person combines.
4. Every day of a segment costs the same number of cents, so the amount of a period is
   the sum of its days: amounts are additive over adjacent periods, and the weekly
   point étape amounts add up to the amount of the whole rental.

There is one line per step (the base: days × daily rate) and one per reduction applied
(negative), so a person can read how the total was reached.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


def money(value) -> Decimal:
    """A Decimal with two places (never from a float: pass a str, an int or a Decimal)."""
    if isinstance(value, float):
        # A programming error, never shown to a person.
        raise TypeError("Money is never a float: pass a str, an int or a Decimal.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def euros(amount: Decimal) -> str:
    """'1 234,50 €' as a French reader writes it (non-breaking spaces)."""
    amount = money(amount)
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return sign + NARROW_NBSP.join(groups) + "," + cents + NBSP + "€"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Step:
    month: int  # 1 for the first month of the rental
    daily_rate: Decimal


@dataclass(frozen=True)
class Reduction:
    code: str
    label: str
    condition: str  # a SituationCode the person must meet
    percent: Decimal  # 0 to 100, of what remains after the previous reductions
    until_month: int | None = None  # None: for the whole rental


@dataclass(frozen=True)
class Grid:
    name: str
    steps: dict[str, tuple[Step, ...]]  # per vehicle kind, ordered by month
    reductions: tuple[Reduction, ...] = ()
    max_months: int | None = None
    microcredit_month: int | None = None
    # The deposit asked by default for each vehicle kind (a kind absent: no default).
    deposits: dict[str, Decimal] = field(default_factory=dict)
    # How often the person comes to the point étape: "weekly" or "monthly".
    visit_frequency: str = "weekly"

    def default_deposit(self, kind: str) -> Decimal | None:
        amount = self.deposits.get(kind)
        return money(amount) if amount is not None else None

    def rates_for(self, kind: str) -> tuple[Step, ...]:
        steps = tuple(sorted(self.steps.get(kind, ()), key=lambda step: step.month))
        if not steps:
            raise MissingRate(kind, f"La grille « {self.name} » ne tarife pas ce type ({kind}).")
        return steps

    def missing_kinds(self, kinds: Iterable[str]) -> list[str]:
        """The vehicle kinds among `kinds` this grid has no rate for, in the given order."""
        return [kind for kind in kinds if not self.steps.get(kind)]


class MissingRate(ValueError):
    """A grid without a rate for a vehicle kind (the services check it first)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Line:
    kind: str  # "base" or "reduction"
    label: str
    month: int  # the step (month of the rental) this line belongs to
    days: int
    unit_amount: Decimal  # per day: the rate, or the reduction per day (negative)
    amount: Decimal


@dataclass(frozen=True)
class Quote:
    start: date
    end: date
    days: int
    lines: tuple[Line, ...] = field(default_factory=tuple)

    @property
    def total(self) -> Decimal:
        return money(sum((line.amount for line in self.lines), ZERO))


def _step_for(steps: tuple[Step, ...], month: int) -> Step:
    chosen = steps[0]
    for step in steps:
        if step.month <= month:
            chosen = step
    return chosen


def _applicable(grid: Grid, situation: frozenset[str], month: int) -> tuple[Reduction, ...]:
    return tuple(
        reduction
        for reduction in grid.reductions
        if reduction.condition in situation
        and (reduction.until_month is None or month <= reduction.until_month)
    )


def daily_reductions(rate: Decimal, reductions: Iterable[Reduction]) -> list[Decimal]:
    """The reduction per day of each reduction, in order; their sum is at most `rate`."""
    remaining = money(rate)
    amounts = []
    for reduction in reductions:
        percent = min(max(Decimal(reduction.percent), Decimal(0)), HUNDRED)
        amount = min(money(remaining * percent / HUNDRED), remaining)
        amounts.append(amount)
        remaining -= amount
    return amounts


def _segments(grid: Grid, kind: str, situation, rental_start: date, start: date, end: date):
    """(month, step, reductions, days) for consecutive stretches with the same price."""
    steps = grid.rates_for(kind)
    last_step_month = steps[-1].month
    month = 1
    while add_months(rental_start, month) <= start:
        month += 1
    segments = []
    cursor = start
    while cursor < end:
        month_end = add_months(rental_start, month)
        stretch_end = min(end, month_end)
        step = _step_for(steps, month)
        reductions = _applicable(grid, situation, month)
        days = (stretch_end - cursor).days
        previous = segments[-1] if segments else None
        # Months after the last step cost the same: one line rather than one per month.
        if (
            previous
            and previous[1] == step
            and previous[2] == reductions
            and month > last_step_month
        ):
            segments[-1] = (previous[0], step, reductions, previous[3] + days)
        else:
            segments.append((month, step, reductions, days))
        cursor = stretch_end
        month += 1
    return segments, len(steps) > 1


def quote(
    *,
    grid: Grid,
    kind: str,
    situation: Iterable[str],
    rental_start: date,
    start: date,
    end: date,
    kind_label: str | None = None,
) -> Quote:
    """The amount due for [start, end) of a rental that began on `rental_start`."""
    if end < start:
        raise ValueError("La fin d'une période ne peut pas précéder son début.")
    if start < rental_start:
        raise ValueError("Une période ne peut pas commencer avant la location.")
    situation = frozenset(situation)
    segments, graduated = _segments(grid, kind, situation, rental_start, start, end)
    kind_label = kind_label or kind
    lines = []
    for month, step, reductions, days in segments:
        rate = money(step.daily_rate)
        prefix = f"Mois {month} — " if graduated else ""
        lines.append(
            Line(
                kind="base",
                label=f"{prefix}{kind_label} : {days} jour{'s' if days > 1 else ''} × "
                f"{euros(rate)}",
                month=month,
                days=days,
                unit_amount=rate,
                amount=money(rate * days),
            )
        )
        for reduction, per_day in zip(reductions, daily_reductions(rate, reductions), strict=True):
            lines.append(
                Line(
                    kind="reduction",
                    label=f"{prefix}{reduction.label} ({_percent(reduction.percent)} %)",
                    month=month,
                    days=days,
                    unit_amount=-per_day,
                    amount=-money(per_day * days),
                )
            )
    return Quote(start=start, end=end, days=(end - start).days, lines=tuple(lines))


# A quote looks at most this far from today, over at most a year (or the grid's maximum
# length when it is longer): further is a typo, and dates near year 1 or 9999 overflow.
QUOTE_YEARS_AROUND_TODAY = 5
QUOTE_MAX_MONTHS = 12


def quote_period_problems(
    *, start: date, end: date, today: date, max_months: int | None = None
) -> dict[str, str]:
    """What is wrong with the period of a quote, in French, by field ({} if nothing)."""
    earliest = date(today.year - QUOTE_YEARS_AROUND_TODAY, 1, 1)
    latest = date(today.year + QUOTE_YEARS_AROUND_TODAY, 12, 31)
    around = f"entre le {earliest:%d/%m/%Y} et le {latest:%d/%m/%Y}"
    problems = {}
    if not earliest <= start <= latest:
        problems["start"] = f"Le début de la période doit être {around}."
    if not earliest <= end <= latest:
        problems["end"] = f"La fin de la période doit être {around}."
    if problems:
        return problems
    months = max(QUOTE_MAX_MONTHS, max_months or 0)
    if end < start:
        problems["end"] = "La fin de la période ne peut pas précéder son début."
    elif end > add_months(start, months):
        problems["end"] = f"Une période dure au plus {months} mois."
    return problems


def _percent(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def milestones(
    *, max_months: int | None, microcredit_month: int | None, rental_start: date
) -> tuple[date | None, date | None]:
    """(maximum end date, first day of the month a microcredit is proposed) of a rental."""
    max_end = add_months(rental_start, max_months) if max_months else None
    microcredit = add_months(rental_start, microcredit_month - 1) if microcredit_month else None
    return max_end, microcredit


# ---- months counted per person: every rental of a pathway continues the steps


def service_days_before(rentals: Iterable[tuple[date, date | None]], start: date) -> int:
    """Days of service a person already had before `start`, over the rentals of the
    pathway ((start, end) pairs; end None: still open). Overlapping rentals count a day
    once; a rental still open, or ending after `start`, counts up to `start`."""
    spans = sorted((begin, min(end or start, start)) for begin, end in rentals if begin < start)
    days = 0
    covered_until: date | None = None
    for begin, end in spans:
        if covered_until is not None and begin < covered_until:
            begin = covered_until
        if end > begin:
            days += (end - begin).days
            covered_until = end
    return days


def steps_start(rentals: Iterable[tuple[date, date | None]], start: date) -> date:
    """The day month 1 began for a rental starting on `start`: the steps go on from the
    person's previous rentals of the pathway (a vehicle swap continues the steps; a gap
    between two rentals is not counted)."""
    return start - timedelta(days=service_days_before(rentals, start))
