"""Who may rent which vehicle, pinned exactly: each missing condition's code and French
sentence as the adviser reads it, and the boundaries (the birthday, the licence's
anniversary, a contract of exactly the minimum). Written so that the realistic bugs
mutation testing plants fail (issue 16)."""

from datetime import date

import pytest

from fleet.eligibility import Facts, Missing, Rule, missing_conditions

ON = date(2026, 6, 15)
CAR = Rule(
    minimum_age=18,
    licence_required=True,
    licence_minimum_months=12,
    contract_required=True,
    accepted_contracts=("cdi", "cdd", "interim"),
    contract_minimum_days=30,
)


def facts(**overrides) -> Facts:
    values = {
        "birth_date": date(1990, 1, 1),
        "licence_held": True,
        "licence_since": date(2020, 1, 1),
        "contract": "cdd",
        "contract_start": date(2026, 6, 1),
        "contract_end": date(2026, 12, 31),
    }
    return Facts(**{**values, **overrides})


def codes_and_messages(rule=CAR, **overrides):
    return [
        (m.code, m.message) for m in missing_conditions(rule=rule, facts=facts(**overrides), on=ON)
    ]


def test_eighteen_on_the_birthday_itself():
    assert codes_and_messages(birth_date=date(2008, 6, 15)) == []
    assert codes_and_messages(birth_date=date(2008, 6, 16)) == [
        ("minimum_age", "La personne doit avoir au moins 18 ans.")
    ]


def test_no_minimum_age_means_any_age():
    assert codes_and_messages(rule=Rule(), birth_date=date(2020, 1, 1)) == []


def test_a_licence_held_a_year_to_the_day_is_enough():
    assert codes_and_messages(licence_since=date(2025, 6, 15)) == []
    assert codes_and_messages(licence_since=date(2025, 6, 16)) == [
        ("licence_too_recent", "Le permis doit être détenu depuis au moins 1 an.")
    ]


@pytest.mark.parametrize(
    ("months", "written"),
    [(6, "6 mois"), (12, "1 an"), (18, "18 mois"), (24, "2 ans"), (36, "3 ans"), (1, "1 mois")],
)
def test_the_licence_length_is_written_in_years_when_whole(months, written):
    rule = Rule(licence_required=True, licence_minimum_months=months)
    assert codes_and_messages(rule=rule, licence_since=ON) == [
        ("licence_too_recent", f"Le permis doit être détenu depuis au moins {written}.")
    ]


def test_without_the_licence_or_its_date():
    assert codes_and_messages(licence_held=False, licence_since=None) == [
        ("licence_missing", "La personne n'a pas le permis B.")
    ]
    assert codes_and_messages(licence_since=None) == [
        ("licence_date_unknown", "La date d'obtention du permis n'est pas connue.")
    ]
    # No minimum length: the date does not matter.
    assert codes_and_messages(rule=Rule(licence_required=True), licence_since=None) == []


def test_a_contract_of_the_minimum_days_is_too_short_one_more_day_is_enough():
    start = date(2026, 6, 1)
    assert codes_and_messages(contract_start=start, contract_end=date(2026, 7, 1)) == [
        ("contract_too_short", "Le contrat doit durer plus de 30 jours.")
    ]
    assert codes_and_messages(contract_start=start, contract_end=date(2026, 7, 2)) == []


@pytest.mark.parametrize(("start", "end"), [(None, date(2026, 12, 31)), (date(2026, 6, 1), None)])
def test_a_fixed_term_contract_without_its_dates(start, end):
    assert codes_and_messages(contract_start=start, contract_end=end) == [
        (
            "contract_dates_unknown",
            "Les dates de début et de fin du contrat sont nécessaires pour vérifier sa durée.",
        )
    ]


def test_an_open_ended_contract_needs_no_dates():
    assert codes_and_messages(contract="cdi", contract_start=None, contract_end=None) == []


def test_without_a_minimum_length_a_fixed_term_contract_needs_no_dates():
    rule = Rule(contract_required=True, accepted_contracts=("cdd",))
    assert codes_and_messages(rule=rule, contract_start=None, contract_end=None) == []


@pytest.mark.parametrize("contract", ["", "stage", "aided"])
def test_a_contract_not_accepted_is_missing(contract):
    assert codes_and_messages(contract=contract) == [
        (
            "contract_missing",
            "Un contrat de travail (CDI, CDD, intérim ou contrat aidé) est nécessaire.",
        )
    ]


def test_a_contract_not_required_is_not_looked_at():
    rule = Rule(minimum_age=14)
    assert codes_and_messages(rule=rule, contract="", contract_start=None) == []


def test_every_missing_condition_at_once_in_order():
    assert missing_conditions(
        rule=CAR,
        facts=facts(birth_date=date(2010, 1, 1), licence_held=False, contract=""),
        on=ON,
    ) == [
        Missing("minimum_age", "La personne doit avoir au moins 18 ans."),
        Missing("licence_missing", "La personne n'a pas le permis B."),
        Missing(
            "contract_missing",
            "Un contrat de travail (CDI, CDD, intérim ou contrat aidé) est nécessaire.",
        ),
    ]
