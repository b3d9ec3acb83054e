"""Pure rules of the rentals: km allowance, odometer, check-in schedule, balances.

No ORM, no clock (`today` is passed in), Decimal for money and km.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from fleet.enums import Condition, ConditionItem, EntryKind
from fleet.tariffs import ZERO, money
from mobility.rules import is_youth

TENTH = Decimal("0.1")
WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


def daily_km_allowance(*, home_work_km: Decimal, percent: Decimal) -> Decimal:
    """`percent` of the daily home-work round trip (twice the one-way distance)."""
    if home_work_km < 0:
        raise ValueError("A distance cannot be negative.")
    return (Decimal(2) * home_work_km * Decimal(percent) / Decimal(100)).quantize(
        TENTH, rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class KmCheck:
    km_driven: int
    km_allowance: Decimal
    km_over: Decimal

    @property
    def exceeded(self) -> bool:
        return self.km_over > 0


def km_check(*, previous_km: int, odometer_km: int, daily_allowance: Decimal, days: int) -> KmCheck:
    """Km driven since the previous reading against the allowance × days elapsed."""
    if odometer_km < previous_km:
        raise ValueError("The odometer cannot go backwards.")
    driven = odometer_km - previous_km
    allowance = (daily_allowance * days).quantize(TENTH)
    return KmCheck(driven, allowance, max(Decimal(driven) - allowance, Decimal(0)).quantize(TENTH))


def parse_iso_week(value: str) -> date:
    """The Monday of an ISO week written YYYY-Www (2026-W02); ValueError otherwise."""
    match = WEEK_PATTERN.match(value or "")
    if not match:
        raise ValueError("La semaine s'écrit AAAA-Sss, par exemple 2026-W02.")
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as error:
        raise ValueError(f"La semaine {value} n'existe pas.") from error


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def next_checkin_due(*, last_checkin: date | None, rental_start: date, interval_days: int) -> date:
    return (last_checkin or rental_start) + timedelta(days=interval_days)


def checkin_state(*, due_on: date, week_start: date, today: date) -> str | None:
    """ "overdue", "due" (within the week) or None (not yet) for the week of `week_start`."""
    week_end = week_start + timedelta(days=6)
    if due_on > week_end:
        return None
    if due_on < week_start or due_on < today:
        return "overdue"
    return "due"


@dataclass(frozen=True)
class Balance:
    """Derived from ledger rows, never stored. `due` > 0: the person owes the platform."""

    charged: Decimal
    paid: Decimal
    deposit_held: Decimal

    @property
    def due(self) -> Decimal:
        return money(self.charged - self.paid)


OWED_KINDS = frozenset({EntryKind.CHARGE, EntryKind.DAMAGE})
SETTLING_KINDS = frozenset({EntryKind.PAYMENT, EntryKind.DEPOSIT_RETAINED})


def balance(entries: Iterable[tuple[str, Decimal]]) -> Balance:
    """The balance of (kind, amount) ledger rows, amounts being positive."""
    charged = paid = deposit = ZERO
    for kind, amount in entries:
        if kind in OWED_KINDS:
            charged += amount
        elif kind in SETTLING_KINDS:
            paid += amount
        if kind == EntryKind.DEPOSIT_IN:
            deposit += amount
        elif kind in (EntryKind.DEPOSIT_REFUND, EntryKind.DEPOSIT_RETAINED):
            deposit -= amount
    return Balance(money(charged), money(paid), money(deposit))


def situation(
    *, rsa: bool, qpv: bool, ass: bool, aah: bool, rqth: bool, birth_date: date, on: date
) -> frozenset[str]:
    """The SituationCode values a person meets on `on` (what reductions depend on)."""
    flags = {"rsa": rsa, "qpv": qpv, "ass": ass, "aah": aah, "rqth": rqth}
    codes = {code for code, held in flags.items() if held}
    if is_youth(birth_date, on):
        codes.add("youth")
    return frozenset(codes)


def condition_problems(condition: dict, *, required: Iterable[str]) -> dict[str, str]:
    """What is wrong with a checklist {item: "ok"|"worn"|"damaged"}, in French."""
    problems = {}
    for item in required:
        if item not in condition:
            problems[f"condition.{item}"] = "Indiquez l'état de cet élément."
    for item, value in condition.items():
        if item not in ConditionItem.values:
            problems[f"condition.{item}"] = "Élément inconnu de la liste de contrôle."
        elif value not in Condition.values:
            problems[f"condition.{item}"] = "L'état vaut ok, worn ou damaged."
    return problems


def has_damage(condition: dict) -> bool:
    return any(value == "damaged" for value in condition.values())
