"""The pure reading of one import row: every problem said at once, in French."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from imports.rules import read_date, read_decimal, read_row

TODAY = date(2026, 11, 20)
GOOD = {
    "last_name": "Dupont",
    "first_name": "Léa",
    "birth_date": "14/03/1998",
    "sex": "F",
    "commune": "Sedan",
    "postal_code": "8200",
    "job_kind": "Formation",
    "opened_on": "2024-01-05",
}


def test_a_good_row_reads_into_typed_values():
    row = read_row(2, GOOD, today=TODAY)

    assert row.problems == []
    assert row.values["birth_date"] == date(1998, 3, 14)
    assert row.values["postal_code"] == "08200"  # a postcode a spreadsheet read as a number
    assert row.values["job_kind"] == "training"
    assert row.values["opened_on"] == date(2024, 1, 5)


def test_every_problem_of_a_row_is_said_at_once():
    row = read_row(
        7,
        {
            **GOOD,
            "first_name": "",
            "sex": "Z",
            "opened_on": "",
            "closed_on": "01/01/2025",
            "vehicle": "AB-123-CD",
            "theory_hours": "600",
        },
        today=TODAY,
    )

    assert row.problems == [
        "« prénom » est obligatoire.",
        "« sexe » vaut F, H ou X : Z.",
        "« parcours ouvert le » est obligatoire.",
        "« situation à la sortie » est obligatoire pour un parcours clôturé.",
        "« solution durable » (oui ou non) est obligatoire pour un parcours clôturé.",
        "Une location demande le véhicule, « location du » et « location rendue le » "
        "(une location en cours se remet dans l'application).",
        "Des heures d'auto-école sont indiquées sans « auto-école du ».",
        "« heures de code » est compris entre 0 et 500.",
        "« heures de conduite » est obligatoire avec « auto-école du ».",
    ]


def test_past_years_are_welcome_but_not_the_future():
    old = read_row(2, {**GOOD, "received_on": "02/01/2019", "opened_on": "03/01/2019",
                       "prescriber": "ML", "referent_name": "P", "referent_email": "p@x.org"},
                   today=TODAY)  # fmt: skip
    assert old.problems == []
    future = read_row(2, {**GOOD, "opened_on": "01/01/2027"}, today=TODAY)
    assert future.problems == ["Le parcours ne peut pas s'ouvrir dans le futur."]


def test_a_rental_returned_after_the_pathway_closed_is_refused():
    row = read_row(
        2,
        {**GOOD, "closed_on": "30/06/2024", "outcome": "CDI", "durable_solution": "oui",
         "vehicle": "AB", "rental_start": "10/01/2024", "rental_end": "01/07/2024"},
        today=TODAY,
    )  # fmt: skip
    assert row.problems == ["La location est rendue après la clôture du parcours."]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_read_in_french_and_iso_forms(day):
    assert read_date(day.strftime("%d/%m/%Y")) == day
    assert read_date(day.isoformat()) == day
    assert read_date(f"{day.isoformat()} 00:00:00") == day


@given(st.text(max_size=20))
def test_anything_typed_in_a_date_is_a_date_or_a_refusal(text):
    try:
        result = read_date(text)
    except ValueError:
        return
    assert result is None or isinstance(result, date)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**6,
                   max_value=10**6))  # fmt: skip
def test_numbers_read_with_a_french_comma(value):
    assert read_decimal(str(value).replace(".", ",")) == value
    assert read_decimal(f" {value} ") == value


@given(
    st.dictionaries(
        st.sampled_from(
            sorted(GOOD) + ["closed_on", "vehicle", "deposit", "theory_hours", "durable_solution"]
        ),
        st.one_of(st.text(max_size=12), st.none(), st.integers(), st.floats()),
    )
)
def test_any_row_reads_into_values_or_french_problems(raw):  # fmt: skip
    row = read_row(2, raw, today=TODAY)
    assert all(isinstance(problem, str) and problem for problem in row.problems)
    assert read_decimal("") is None and read_decimal("1,5") == Decimal("1.5")
