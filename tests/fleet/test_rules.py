"""Pure rules of rentals: km allowance, odometer, check-in schedule, balances."""

from datetime import date
from decimal import Decimal

import pytest

from fleet import rules


def test_the_daily_allowance_is_120_percent_of_the_round_trip():
    assert rules.daily_km_allowance(home_work_km=Decimal("18"), percent=Decimal("120")) == Decimal(
        "43.2"
    )
    assert rules.daily_km_allowance(home_work_km=Decimal("0"), percent=Decimal("120")) == 0


def test_km_over_the_allowance_times_the_days_are_flagged():
    check = rules.km_check(
        previous_km=1000, odometer_km=1400, daily_allowance=Decimal("43.2"), days=7
    )
    assert check.km_driven == 400
    assert check.km_allowance == Decimal("302.4")
    assert check.km_over == Decimal("97.6")
    assert check.exceeded
    within = rules.km_check(
        previous_km=1000, odometer_km=1200, daily_allowance=Decimal("43.2"), days=7
    )
    assert not within.exceeded and within.km_over == 0


def test_the_odometer_never_goes_backwards():
    with pytest.raises(ValueError):
        rules.km_check(previous_km=1000, odometer_km=999, daily_allowance=Decimal(1), days=1)


def test_checkin_state_in_a_week():
    monday, today = date(2026, 1, 5), date(2026, 1, 7)
    state = rules.checkin_state
    assert state(due_on=date(2026, 1, 2), week_start=monday, today=today) == "overdue"
    assert state(due_on=date(2026, 1, 6), week_start=monday, today=today) == "overdue"
    assert state(due_on=date(2026, 1, 7), week_start=monday, today=today) == "due"
    assert state(due_on=date(2026, 1, 11), week_start=monday, today=today) == "due"
    assert state(due_on=date(2026, 1, 12), week_start=monday, today=today) is None


def test_balances_are_derived_from_ledger_rows():
    balance = rules.balance(
        [
            ("deposit_in", Decimal("150.00")),
            ("charge", Decimal("17.50")),
            ("payment", Decimal("10.00")),
            ("damage", Decimal("40.00")),
            ("deposit_retained", Decimal("47.50")),
            ("deposit_refund", Decimal("102.50")),
        ]
    )
    assert balance.due == Decimal("0.00")
    assert balance.deposit_held == Decimal("0.00")
    assert balance.charged == Decimal("57.50")


def test_situation_codes():
    codes = rules.situation(
        rsa=False,
        qpv=True,
        ass=False,
        aah=True,
        rqth=False,
        birth_date=date(2002, 1, 1),
        on=date(2026, 1, 1),
    )
    assert codes == {"qpv", "aah", "youth"}


def test_condition_checklist_problems():
    problems = rules.condition_problems(
        {"tyres": "ok", "brakes": "broken", "wings": "ok"}, required=["tyres", "lights"]
    )
    assert set(problems) == {"condition.lights", "condition.brakes", "condition.wings"}


def test_a_balance_paid_ahead_reads_as_an_advance_not_a_debt():
    from fleet.templatetags.fleet_tags import balance

    assert balance(Decimal("12.5")) == "12,50\xa0€"
    assert balance(Decimal("-5")) == "5,00\xa0€ d'avance"
    assert balance(None) == "—"
