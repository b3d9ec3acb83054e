"""The tariff rules pinned exactly: money's rounding and French writing, the quote's lines
and labels as the person reads them, the period a quote may cover, the step of each month.
Written so that the realistic bugs mutation testing plants fail (issue 16)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleet.tariffs import (
    Grid,
    Line,
    MissingRate,
    Reduction,
    Step,
    add_months,
    daily_reductions,
    euros,
    milestones,
    money,
    quote,
    quote_period_problems,
)

D = Decimal
NBSP = "\u00a0"
NNBSP = "\u202f"
TODAY = date(2026, 11, 22)

QPV = Reduction(code="qpv", label="Demi-tarif QPV", condition="qpv", percent=D("50"))
RSA_FIRST_MONTH = Reduction(
    code="rsa", label="Gratuité RSA", condition="rsa", percent=D("100"), until_month=1
)
YOUTH = Reduction(code="young", label="Jeunes", condition="youth", percent=D("12.5"))
GRADUATED = Grid(
    name="Progressive",
    steps={"car": (Step(3, D("6")), Step(1, D("2")), Step(2, D("4")))},  # given out of order
    reductions=(RSA_FIRST_MONTH, QPV),
)
FLAT = Grid(name="Standard", steps={"car": (Step(1, D("5")),), "bike": (Step(1, D("1.005")),)})


# ---- money and euros


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("0.005", "0.01"), ("0.004", "0.00"), ("-0.005", "-0.01"), ("2.675", "2.68"), (7, "7.00")],
)
def test_money_is_in_cents_rounded_half_up(value, rounded):
    result = money(value if isinstance(value, int) else D(value))
    assert result == D(rounded) and str(result) == rounded


def test_money_from_a_float_is_refused_with_its_reason():
    with pytest.raises(TypeError) as refused:
        money(0.1)
    assert str(refused.value) == "Money is never a float: pass a str, an int or a Decimal."
    assert money("12.3") == D("12.30")


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("0", f"0,00{NBSP}€"),
        ("5", f"5,00{NBSP}€"),
        ("999.99", f"999,99{NBSP}€"),
        ("1000", f"1{NNBSP}000,00{NBSP}€"),
        ("1234.5", f"1{NNBSP}234,50{NBSP}€"),
        ("1234567.891", f"1{NNBSP}234{NNBSP}567,89{NBSP}€"),
        ("-17.5", f"-17,50{NBSP}€"),
        ("-1234", f"-1{NNBSP}234,00{NBSP}€"),
        ("-0.004", f"0,00{NBSP}€"),
    ],
)
def test_euros_as_a_french_reader_writes_them(amount, written):
    assert euros(D(amount)) == written


# ---- months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 15), 1, date(2026, 12, 15)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), 12, date(2027, 3, 31)),
        (date(2026, 5, 31), 13, date(2027, 6, 30)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
    ],
)
def test_add_months_exactly(day, months, expected):
    assert add_months(day, months) == expected


def test_milestones_exactly():
    start = date(2026, 1, 31)
    assert milestones(max_months=6, microcredit_month=4, rental_start=start) == (
        date(2026, 7, 31),
        date(2026, 4, 30),
    )
    assert milestones(max_months=None, microcredit_month=None, rental_start=start) == (None, None)
    assert milestones(max_months=0, microcredit_month=1, rental_start=start) == (None, start)


# ---- the grid


def test_a_grid_gives_its_steps_in_month_order():
    assert GRADUATED.rates_for("car") == (Step(1, D("2")), Step(2, D("4")), Step(3, D("6")))


@pytest.mark.parametrize("steps", [{}, {"car": ()}])
def test_a_kind_without_a_rate_is_refused_in_french_naming_the_grid(steps):
    grid = Grid(name="Vélos seulement", steps={"bike": (Step(1, D("1")),), **steps})
    with pytest.raises(MissingRate) as refused:
        grid.rates_for("car")
    assert refused.value.kind == "car"
    assert str(refused.value) == "La grille « Vélos seulement » ne tarife pas ce type (car)."
    assert grid.missing_kinds(["car", "bike", "scooter"]) == ["car", "scooter"]


# ---- quotes, line by line


def test_a_quote_across_steps_names_each_month_and_its_reductions():
    result = quote(
        grid=GRADUATED,
        kind="car",
        situation={"rsa", "qpv"},
        rental_start=date(2026, 1, 10),
        start=date(2026, 2, 5),
        end=date(2026, 3, 12),
        kind_label="voiture",
    )
    assert result.days == 35
    assert result.lines == (
        Line("base", f"Mois 1 — voiture : 5 jours × 2,00{NBSP}€", 1, 5, D("2.00"), D("10.00")),
        Line("reduction", "Mois 1 — Gratuité RSA (100 %)", 1, 5, D("-2.00"), D("-10.00")),
        Line("reduction", "Mois 1 — Demi-tarif QPV (50 %)", 1, 5, D("0.00"), D("0.00")),
        Line("base", f"Mois 2 — voiture : 28 jours × 4,00{NBSP}€", 2, 28, D("4.00"), D("112.00")),
        Line("reduction", "Mois 2 — Demi-tarif QPV (50 %)", 2, 28, D("-2.00"), D("-56.00")),
        Line("base", f"Mois 3 — voiture : 2 jours × 6,00{NBSP}€", 3, 2, D("6.00"), D("12.00")),
        Line("reduction", "Mois 3 — Demi-tarif QPV (50 %)", 3, 2, D("-3.00"), D("-6.00")),
    )
    assert result.total == D("62.00")


def test_one_day_is_singular_and_a_flat_grid_has_no_month_prefix():
    result = quote(
        grid=FLAT,
        kind="car",
        situation=(),
        rental_start=date(2026, 1, 5),
        start=date(2026, 1, 5),
        end=date(2026, 1, 6),
    )
    assert [line.label for line in result.lines] == [f"car : 1 jour × 5,00{NBSP}€"]
    assert result.total == D("5.00")


def test_a_rate_in_tenths_of_a_cent_is_charged_rounded_half_up_per_day():
    result = quote(
        grid=FLAT,
        kind="bike",
        situation=(),
        rental_start=date(2026, 1, 5),
        start=date(2026, 1, 5),
        end=date(2026, 1, 15),
    )
    assert result.lines[0].unit_amount == D("1.01") and result.total == D("10.10")


def test_months_after_the_last_step_make_one_line_at_the_last_rate():
    result = quote(
        grid=GRADUATED,
        kind="car",
        situation=(),
        rental_start=date(2026, 1, 1),
        start=date(2026, 3, 1),
        end=date(2026, 7, 1),
    )
    assert [(line.month, line.days, line.amount) for line in result.lines] == [
        (3, 122, D("732.00"))
    ]
    assert result.lines[0].label == f"Mois 3 — car : 122 jours × 6,00{NBSP}€"


def test_a_period_starting_on_a_month_anniversary_is_in_the_new_month():
    result = quote(
        grid=GRADUATED,
        kind="car",
        situation=(),
        rental_start=date(2026, 1, 1),
        start=date(2026, 2, 1),
        end=date(2026, 2, 2),
    )
    assert [(line.month, line.unit_amount) for line in result.lines] == [(2, D("4.00"))]


def test_a_reduction_with_a_decimal_percent_is_labelled_with_a_comma():
    grid = Grid(name="Jeunes", steps={"car": (Step(1, D("8")),)}, reductions=(YOUTH,))
    result = quote(
        grid=grid,
        kind="car",
        situation={"youth"},
        rental_start=date(2026, 1, 5),
        start=date(2026, 1, 5),
        end=date(2026, 1, 7),
    )
    assert result.lines[1].label == "Jeunes (12,5 %)"
    assert (result.lines[1].unit_amount, result.lines[1].amount) == (D("-1.00"), D("-2.00"))


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (
            date(2026, 1, 10),
            date(2026, 1, 9),
            "La fin d'une période ne peut pas précéder son début.",
        ),
        (
            date(2026, 1, 4),
            date(2026, 1, 9),
            "Une période ne peut pas commencer avant la location.",
        ),
    ],
)
def test_a_quote_of_an_impossible_period_is_refused_in_french(start, end, message):
    with pytest.raises(ValueError) as refused:
        quote(
            grid=FLAT, kind="car", situation=(), rental_start=date(2026, 1, 5), start=start, end=end
        )
    assert str(refused.value) == message


def test_a_quote_starting_the_day_the_rental_starts_is_accepted():
    day = date(2026, 1, 5)
    assert (
        quote(grid=FLAT, kind="car", situation=(), rental_start=day, start=day, end=day).days == 0
    )


@given(
    percents=st.lists(st.integers(min_value=-50, max_value=150), max_size=4),
    cents=st.integers(min_value=0, max_value=100_000),
)
def test_reductions_never_exceed_the_rate_and_clamp_their_percent(percents, cents):
    rate = D(cents) / 100
    reductions = [Reduction("r", "R", "x", D(p)) for p in percents]
    amounts = daily_reductions(rate, reductions)
    assert all(amount >= 0 for amount in amounts)
    assert sum(amounts, D(0)) <= rate
    for percent, amount in zip(percents, amounts, strict=True):
        if percent <= 0:
            assert amount == 0


# ---- the period a quote may cover


AROUND = "entre le 01/01/2021 et le 31/12/2031"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2021, 1, 1), date(2021, 1, 2), {}),
        (date(2031, 12, 30), date(2031, 12, 31), {}),
        (
            date(2020, 12, 31),
            date(2021, 1, 2),
            {"start": f"Le début de la période doit être {AROUND}."},
        ),
        (
            date(2031, 12, 31),
            date(2032, 1, 1),
            {"end": f"La fin de la période doit être {AROUND}."},
        ),
        (
            date(2020, 1, 1),
            date(2032, 1, 1),
            {
                "start": f"Le début de la période doit être {AROUND}.",
                "end": f"La fin de la période doit être {AROUND}.",
            },
        ),
        (
            date(2026, 1, 12),
            date(2026, 1, 5),
            {"end": "La fin de la période ne peut pas précéder son début."},
        ),
        (date(2026, 1, 5), date(2026, 1, 5), {}),
        (date(2026, 1, 31), date(2027, 1, 31), {}),
        (date(2026, 1, 31), date(2027, 2, 1), {"end": "Une période dure au plus 12 mois."}),
    ],
)
def test_the_period_of_a_quote_exactly(start, end, expected):
    assert quote_period_problems(start=start, end=end, today=TODAY) == expected


def test_a_grid_longer_than_a_year_allows_its_own_length():
    start = date(2026, 1, 5)
    assert (
        quote_period_problems(start=start, end=date(2027, 7, 5), today=TODAY, max_months=18) == {}
    )
    assert quote_period_problems(start=start, end=date(2027, 7, 6), today=TODAY, max_months=18) == {
        "end": "Une période dure au plus 18 mois."
    }
    # A grid shorter than a year does not shorten the quote.
    assert quote_period_problems(start=start, end=date(2027, 1, 5), today=TODAY, max_months=6) == {}


@given(
    start=st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(0, 365),
)
def test_any_period_of_up_to_a_year_near_today_is_accepted(start, days):
    end = min(start + timedelta(days=days), add_months(start, 12))
    assert quote_period_problems(start=start, end=end, today=TODAY) == {}


def test_a_grid_of_two_steps_is_graduated_and_the_quote_keeps_its_period():
    grid = Grid(name="Deux paliers", steps={"car": (Step(1, D("3")), Step(2, D("5")))})
    result = quote(
        grid=grid,
        kind="car",
        situation=(),
        rental_start=date(2026, 1, 1),
        start=date(2026, 1, 30),
        end=date(2026, 2, 3),
    )
    assert (result.start, result.end, result.days) == (date(2026, 1, 30), date(2026, 2, 3), 4)
    assert [line.label for line in result.lines] == [
        f"Mois 1 — car : 2 jours × 3,00{NBSP}€",
        f"Mois 2 — car : 2 jours × 5,00{NBSP}€",
    ]


def test_months_before_a_grids_first_step_are_charged_at_its_rate():
    # A grid edited to start at month 2: month 1 costs the first step's rate, on its own line.
    grid = Grid(name="Dès le mois 2", steps={"car": (Step(2, D("4")),)})
    result = quote(
        grid=grid,
        kind="car",
        situation=(),
        rental_start=date(2026, 1, 1),
        start=date(2026, 1, 1),
        end=date(2026, 4, 1),
    )
    assert [(line.label, line.month, line.days) for line in result.lines] == [
        (f"car : 31 jours × 4,00{NBSP}€", 1, 31),
        (f"car : 59 jours × 4,00{NBSP}€", 2, 59),
    ]
    assert result.total == D("360.00")
