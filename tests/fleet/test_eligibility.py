"""Eligibility per vehicle kind: a pure function naming each missing condition."""

from datetime import date

from fleet import defaults
from fleet.eligibility import Facts, Rule, missing_conditions

CAR = Rule(**{**defaults.ELIGIBILITY["car"], "accepted_contracts": ("cdi", "cdd", "interim")})
ON = date(2026, 3, 1)


def facts(**overrides) -> Facts:
    values = {
        "birth_date": date(1995, 1, 1),
        "licence_held": True,
        "licence_since": date(2020, 1, 1),
        "contract": "cdi",
        "contract_start": date(2026, 2, 1),
        "contract_end": None,
    }
    values.update(overrides)
    return Facts(**values)


def codes(**overrides) -> list[str]:
    return [m.code for m in missing_conditions(rule=CAR, facts=facts(**overrides), on=ON)]


def test_an_adult_with_an_old_licence_and_a_cdi_may_rent_a_car():
    assert codes() == []


def test_a_person_under_18_may_not_rent_a_car():
    assert codes(birth_date=date(2008, 3, 2)) == ["minimum_age"]
    assert codes(birth_date=date(2008, 3, 1)) == []  # 18 on the day


def test_the_licence_must_be_held_for_a_year():
    assert codes(licence_held=False, licence_since=None) == ["licence_missing"]
    assert codes(licence_since=date(2025, 3, 2)) == ["licence_too_recent"]
    assert codes(licence_since=date(2025, 3, 1)) == []
    assert codes(licence_since=None) == ["licence_date_unknown"]


def test_a_work_contract_of_more_than_a_month_is_needed():
    assert codes(contract="") == ["contract_missing"]
    assert codes(contract="formation") == ["contract_missing"]
    assert codes(contract="cdd") == ["contract_dates_unknown"]
    assert codes(contract="cdd", contract_end=date(2026, 3, 3)) == ["contract_too_short"]
    assert codes(contract="cdd", contract_end=date(2026, 3, 4)) == []


def test_every_missing_condition_is_named_in_french():
    missing = missing_conditions(
        rule=CAR, facts=facts(birth_date=date(2010, 1, 1), licence_held=False, contract=""), on=ON
    )
    assert [m.code for m in missing] == ["minimum_age", "licence_missing", "contract_missing"]
    assert missing[0].message == "La personne doit avoir au moins 18 ans."
    assert "permis" in missing[1].message


def test_a_bike_asks_for_nothing():
    rule = Rule(**defaults.ELIGIBILITY["bike"])
    young = facts(birth_date=date(2015, 1, 1), licence_held=False, contract="")
    assert missing_conditions(rule=rule, facts=young, on=ON) == []
