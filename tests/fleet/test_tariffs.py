"""The pure tariff function: worked examples of docs/regles-metier.md and its properties."""

import math
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleet import defaults, tariffs
from fleet.tariffs import Grid, Reduction, Step, add_months, euros, money, quote


def grid_from(code: str) -> Grid:
    spec = defaults.SHIPPED_GRIDS[code]
    return Grid(
        name=spec["name"],
        steps={
            kind: tuple(Step(month, Decimal(rate)) for month, rate in enumerate(rates, start=1))
            for kind, rates in spec["steps"].items()
        },
        reductions=tuple(
            Reduction(
                code=r["code"],
                label=r["label"],
                condition=r["condition"],
                percent=Decimal(r["percent"]),
                until_month=r["until_month"],
            )
            for r in spec["reductions"]
        ),
        max_months=spec["max_months"],
        microcredit_month=spec["microcredit_month"],
    )


STANDARD = grid_from(defaults.STANDARD_GRID)
GRADUATED = grid_from(defaults.GRADUATED_GRID)
MONDAY = date(2026, 1, 5)


def amount(grid=STANDARD, kind="car", situation=(), start=MONDAY, end=None, rental_start=None):
    end = end or start + timedelta(days=7)
    return quote(
        grid=grid,
        kind=kind,
        situation=situation,
        rental_start=rental_start or start,
        start=start,
        end=end,
    )


def test_a_week_of_car_for_a_qpv_resident_costs_17_50():
    result = amount(situation={"qpv"})
    assert result.days == 7
    assert result.total == Decimal("17.50")
    assert [(line.kind, line.amount) for line in result.lines] == [
        ("base", Decimal("35.00")),
        ("reduction", Decimal("-17.50")),
    ]
    assert result.lines[0].label == "car : 7 jours × 5,00\u00a0€"
    assert result.lines[1].label == "Demi-tarif QPV (50 %)"


@pytest.mark.parametrize(
    ("kind", "week_price"),
    [("car", "35.00"), ("scooter", "14.00"), ("bike", "7.00"), ("ebike", "7.00")],
)
def test_the_default_grid_charges_per_calendar_day(kind, week_price):
    assert amount(kind=kind).total == Decimal(week_price)


def test_days_are_end_minus_start():
    result = amount(start=date(2026, 1, 5), end=date(2026, 1, 12))
    assert result.days == 7
    assert amount(start=MONDAY, end=MONDAY).lines == ()
    assert amount(start=MONDAY, end=MONDAY).total == Decimal("0.00")


def test_rsa_rides_free_and_reductions_never_go_below_zero():
    result = amount(situation={"rsa", "qpv"})
    assert result.total == Decimal("0.00")
    # RSA first takes everything; QPV then halves nothing.
    assert [line.amount for line in result.lines] == [
        Decimal("35.00"),
        Decimal("-35.00"),
        Decimal("0.00"),
    ]


def test_a_period_cannot_run_backwards_or_start_before_the_rental():
    with pytest.raises(ValueError):
        amount(start=MONDAY, end=MONDAY - timedelta(days=1))
    with pytest.raises(ValueError):
        amount(start=MONDAY, rental_start=MONDAY + timedelta(days=1))


def test_the_graduated_grid_rises_month_by_month_with_one_line_per_step():
    # From 20 January to 20 March: month 1 until 20 Feb, month 2 until 20 March.
    start = date(2026, 1, 20)
    result = amount(grid=GRADUATED, start=start, end=date(2026, 3, 20))
    assert [(line.month, line.days, line.amount) for line in result.lines] == [
        (1, 31, Decimal("31.00")),
        (2, 28, Decimal("56.00")),
    ]
    assert result.lines[1].label.startswith("Mois 2 — ")


def test_in_the_graduated_grid_rsa_makes_only_the_first_month_free():
    start = date(2026, 1, 1)
    result = amount(grid=GRADUATED, situation={"rsa"}, start=start, end=date(2026, 3, 1))
    assert result.total == Decimal("56.00")  # February at 2 EUR a day, January free


def test_after_the_last_step_the_last_rate_goes_on_in_one_line():
    start = date(2026, 1, 1)
    result = amount(
        grid=GRADUATED, start=date(2026, 5, 1), end=date(2026, 8, 1), rental_start=start
    )
    assert [(line.month, line.days, line.unit_amount) for line in result.lines] == [
        (5, 92, Decimal("5.00"))
    ]


def test_milestones_give_the_maximum_length_and_the_microcredit_month():
    assert tariffs.milestones(
        max_months=5, microcredit_month=5, rental_start=date(2026, 1, 31)
    ) == (
        date(2026, 6, 30),
        date(2026, 5, 31),
    )
    assert tariffs.milestones(max_months=None, microcredit_month=None, rental_start=MONDAY) == (
        None,
        None,
    )


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 3, 15), -12) == date(2025, 3, 15)


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        money(0.1)
    assert money("17.5") == Decimal("17.50")
    assert euros(Decimal("1234.5")) == "1\u202f234,50\u00a0€"
    assert euros(Decimal("-3")) == "-3,00\u00a0€"


# ---- properties

kinds = st.sampled_from(["bike", "ebike", "scooter", "car"])
situations = st.sets(st.sampled_from(["rsa", "qpv", "ass", "aah", "rqth", "youth"]))
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
gaps = st.integers(min_value=0, max_value=200)
# Random grids: up to 5 monthly steps, rates in even cents so that half is exact.
rates = st.integers(min_value=0, max_value=5000).map(lambda c: Decimal(2 * c) / 100)
random_grids = st.builds(
    lambda car_rates, percent, until: Grid(
        name="aléatoire",
        steps={
            kind: tuple(Step(month, rate) for month, rate in enumerate(car_rates, start=1))
            for kind in ("bike", "ebike", "scooter", "car")
        },
        reductions=(
            Reduction("rsa", "RSA", "rsa", Decimal(100), until),
            Reduction("qpv", "QPV", "qpv", Decimal(50), until),
            Reduction("other", "Autre", "ass", Decimal(percent), None),
        ),
        max_months=5,
    ),
    st.lists(rates, min_size=1, max_size=5),
    st.integers(min_value=0, max_value=100),
    st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
)
grids = st.one_of(st.just(STANDARD), st.just(GRADUATED), random_grids)


@given(grid=grids, kind=kinds, situation=situations, rental_start=days, offset=gaps, length=gaps)
def test_an_amount_is_never_negative(grid, kind, situation, rental_start, offset, length):
    start = rental_start + timedelta(days=offset)
    result = amount(grid, kind, situation, start, start + timedelta(days=length), rental_start)
    assert result.total >= 0
    assert result.total == result.total.quantize(Decimal("0.01"))
    assert all(line.amount >= 0 for line in result.lines if line.kind == "base")


@given(
    grid=grids,
    kind=kinds,
    situation=situations,
    rental_start=days,
    offset=gaps,
    first=gaps,
    second=gaps,
)
def test_amounts_add_up_over_adjacent_periods(
    grid, kind, situation, rental_start, offset, first, second
):
    a = rental_start + timedelta(days=offset)
    b = a + timedelta(days=first)
    c = b + timedelta(days=second)
    whole = amount(grid, kind, situation, a, c, rental_start).total
    parts = (
        amount(grid, kind, situation, a, b, rental_start).total
        + amount(grid, kind, situation, b, c, rental_start).total
    )
    assert parts == whole


@given(kind=kinds, situation=situations, start=days, length=gaps)
def test_on_the_default_grid_an_rsa_beneficiary_pays_nothing(kind, situation, start, length):
    result = amount(STANDARD, kind, situation | {"rsa"}, start, start + timedelta(days=length))
    assert result.total == Decimal("0.00")


@given(grid=grids, kind=kinds, situation=situations, rental_start=days, offset=gaps, length=gaps)
def test_a_qpv_resident_pays_half_of_the_same_period_otherwise(
    grid, kind, situation, rental_start, offset, length
):
    # Half of what the same person would pay outside a QPV, wherever the QPV reduction
    # applies (every month on the default grid, the first month on the graduated one).
    # Exact to the cent when QPV is the last reduction applied, as in the shipped grids;
    # a percentage applied after it would round a second time (see
    # test_a_reduction_after_qpv_rounds_in_the_persons_favour).
    situation = situation - {"rsa", "qpv", "ass"}
    start = rental_start + timedelta(days=offset)
    end = start + timedelta(days=length)
    without = amount(grid, kind, situation, start, end, rental_start)
    with_qpv = amount(grid, kind, situation | {"qpv"}, start, end, rental_start)
    qpv_until = next(r.until_month for r in grid.reductions if r.code == "qpv")
    if qpv_until is None:
        assert with_qpv.total * 2 == without.total
    else:
        # QPV halves the months it covers, and only those.
        boundary = min(max(add_months(rental_start, qpv_until), start), end)
        covered = amount(grid, kind, situation, start, boundary, rental_start).total
        assert without.total - with_qpv.total == covered / 2


def test_a_reduction_after_qpv_rounds_in_the_persons_favour():
    grid = Grid(
        name="test",
        steps={"bike": (Step(1, Decimal("0.04")),)},
        reductions=(
            Reduction("qpv", "QPV", "qpv", Decimal(50)),
            Reduction("other", "Autre", "ass", Decimal(13)),
        ),
    )
    # 0.04 → QPV −0.02 → 0.02 → 13 % of 0.02 rounds to 0.00: 0.02 a day.
    assert amount(grid, "bike", {"qpv", "ass"}, MONDAY, MONDAY + timedelta(days=1)).total == (
        Decimal("0.02")
    )


# ---- rounding (docs/regles-metier.md, "Arrondis"): the nearest cent, and at half a cent
# the reduction rounds up, so the person owes the lower cent.


def one_step_grid(rate: Decimal, *percents: int) -> Grid:
    return Grid(
        name="arrondis",
        steps={"car": (Step(1, rate),)},
        reductions=tuple(
            Reduction(f"r{index}", f"Réduction {index}", "ass", Decimal(percent))
            for index, percent in enumerate(percents)
        ),
    )


def test_half_a_cent_of_reduction_goes_to_the_person():
    # 50 % of 0.05 € is 0.025 €: the reduction is 0.03 € a day, the person owes 0.02 €.
    result = amount(one_step_grid(Decimal("0.05"), 50), "car", {"ass"}, MONDAY)
    assert [(line.kind, line.unit_amount, line.amount) for line in result.lines] == [
        ("base", Decimal("0.05"), Decimal("0.35")),
        ("reduction", Decimal("-0.03"), Decimal("-0.21")),
    ]
    assert result.total == Decimal("0.14")


def test_below_half_a_cent_the_reduction_rounds_down():
    # 30 % of 0.05 € is 0.015 € → 0.02 €; 20 % is 0.01 € exactly; 10 % is 0.005 € → 0.01 €;
    # 13 % of 0.05 € is 0.0065 € → 0.01 €; 9 % is 0.0045 € → 0.00 €.
    for percent, per_day in [(30, "0.02"), (20, "0.01"), (10, "0.01"), (13, "0.01"), (9, "0.00")]:
        assert tariffs.daily_reductions(
            Decimal("0.05"), [one_step_grid(Decimal(0), percent).reductions[0]]
        ) == [Decimal(per_day)], percent


@given(
    cents=st.integers(min_value=0, max_value=100_000),
    percents=st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=3),
)
def test_each_reduction_leaves_the_nearest_cent_a_half_cent_in_the_persons_favour(cents, percents):
    # Odd cents included: with even ones half of the rate is exact and no rounding shows.
    grid = one_step_grid(Decimal(cents) / 100, *percents)
    per_day = tariffs.daily_reductions(grid.steps["car"][0].daily_rate, grid.reductions)
    remaining = Fraction(cents)
    for percent, reduction in zip(percents, per_day, strict=True):
        exact_left = remaining * (100 - percent) / 100
        left = remaining - Fraction(int(reduction * 100))
        assert abs(left - exact_left) <= Fraction(1, 2)
        # At exactly half a cent, the lower amount: round half down of what is left.
        assert left == math.ceil(exact_left - Fraction(1, 2))
        remaining = left
    result = amount(grid, "car", {"ass"}, MONDAY, MONDAY + timedelta(days=3))
    assert result.total == money(Decimal(int(remaining)) / 100 * 3)
