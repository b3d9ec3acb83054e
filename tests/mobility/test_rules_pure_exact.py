"""The core pure rules pinned exactly: every French sentence of a fiche de liaison's
validation on its own field, the age and date boundaries, and the small rules around
(lifecycle, retention cut-off, who manages an account). Written so that the realistic bugs
mutation testing plants fail (issue 16)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.enums import JobKind
from mobility.rules import (
    JobFacts,
    PersonFacts,
    account_managed_by,
    anonymisation_cutoff,
    can_transition,
    identity_key,
    referral_problems,
)

TODAY = date(2026, 11, 22)

FUTURE_BIRTH = "La date de naissance ne peut pas être dans le futur."
TOO_YOUNG = "La personne doit avoir au moins 14 ans."
TOO_OLD = "Vérifiez la date de naissance : l'âge dépasse 100 ans."
LICENCE_NOT_HELD = (
    "Une date d'obtention du permis est indiquée alors que le permis n'est pas coché."
)
LICENCE_FUTURE = "La date d'obtention du permis ne peut pas être future."
LICENCE_TOO_YOUNG = "La date d'obtention du permis est antérieure à l'âge minimum de la conduite."
POSTAL_CODE = "Le code postal compte 5 chiffres."
RECEIVED_FUTURE = "La date de réception ne peut pas être dans le futur."
RECEIVED_TOO_OLD = (
    "La date de réception remonte à plus d'un an : vérifiez-la (une fiche papier "
    "se saisit dans l'année)."
)
SEARCH_CONTRACT = (
    "Un type de contrat n'a de sens que pour un emploi ou une formation, "
    "pas pour une recherche d'emploi."
)


def problems(
    *,
    birth=date(1990, 5, 17),
    held=False,
    since=None,
    postal_code="",
    kind=JobKind.JOB,
    contract="cdd",
    received=TODAY,
):
    return referral_problems(
        person=PersonFacts(
            birth_date=birth, licence_held=held, licence_since=since, postal_code=postal_code
        ),
        job=JobFacts(kind=kind, contract=contract, start_date=None),
        received_on=received,
        today=TODAY,
    )


# ---- lifecycle


def test_an_unknown_status_allows_no_transition():
    assert can_transition("archived", "accepted") is False
    assert can_transition("", "submitted") is False


# ---- the birth date


def test_a_birth_date_tomorrow_is_in_the_future_today_is_too_young():
    assert problems(birth=TODAY + timedelta(days=1)) == {"birth_date": FUTURE_BIRTH}
    assert problems(birth=TODAY) == {"birth_date": TOO_YOUNG}


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (date(2012, 11, 23), {"birth_date": TOO_YOUNG}),  # 14 tomorrow
        (date(2012, 11, 22), {}),  # 14 today
        (date(1926, 11, 22), {}),  # 100 today
        (date(1925, 11, 23), {}),  # 100, 101 tomorrow
        (date(1925, 11, 22), {"birth_date": TOO_OLD}),  # 101 today
    ],
)
def test_the_age_boundaries_14_and_100_are_accepted(birth, expected):
    assert problems(birth=birth) == expected


# ---- the licence


@pytest.mark.parametrize(
    ("held", "since", "expected"),
    [
        (False, date(2015, 6, 1), {"licence_since": LICENCE_NOT_HELD}),
        (False, TODAY + timedelta(days=1), {"licence_since": LICENCE_NOT_HELD}),
        (True, TODAY + timedelta(days=1), {"licence_since": LICENCE_FUTURE}),
        (True, TODAY, {}),
        (True, date(2005, 5, 17), {}),  # 15 that very day: apprenticeship driving
        (True, date(2005, 5, 16), {"licence_since": LICENCE_TOO_YOUNG}),  # a day before
    ],
)
def test_the_licence_date_exactly(held, since, expected):
    assert problems(held=held, since=since) == expected


def test_a_licence_date_is_not_compared_with_an_implausible_birth_date():
    # The birth date typed in the future is the one mistake, said once.
    assert problems(birth=TODAY + timedelta(days=3), held=True, since=date(2020, 1, 1)) == {
        "birth_date": FUTURE_BIRTH
    }
    # Too old (101): the licence is not judged against that birth date either.
    assert problems(birth=date(1920, 1, 1), held=True, since=date(1921, 1, 1)) == {
        "birth_date": TOO_OLD
    }
    # Too young (10): same.
    assert problems(birth=date(2016, 1, 1), held=True, since=date(2020, 1, 1)) == {
        "birth_date": TOO_YOUNG
    }


def test_a_licence_date_without_a_birth_date_is_only_checked_against_today():
    assert problems(birth=None, held=True, since=date(2020, 1, 1)) == {}
    assert problems(birth=None, held=True, since=TODAY + timedelta(days=1)) == {
        "licence_since": LICENCE_FUTURE
    }


# ---- postal code, reception date, contract


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("08200", {}),
        ("75001", {}),
        ("8200", {"postal_code": POSTAL_CODE}),
        ("082000", {"postal_code": POSTAL_CODE}),
        ("08 20", {"postal_code": POSTAL_CODE}),
        ("2A004", {"postal_code": POSTAL_CODE}),
        ("", {}),
    ],
)
def test_the_postal_code_exactly(code, expected):
    assert problems(postal_code=code) == expected


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (TODAY + timedelta(days=1), {"received_on": RECEIVED_FUTURE}),
        (TODAY, {}),
        (TODAY - timedelta(days=366), {}),  # a year ago, a leap day included
        (TODAY - timedelta(days=367), {"received_on": RECEIVED_TOO_OLD}),
    ],
)
def test_the_reception_date_exactly(received, expected):
    assert problems(received=received) == expected


@pytest.mark.parametrize(
    ("kind", "contract", "expected"),
    [
        (JobKind.SEARCH, "cdi", {"contract": SEARCH_CONTRACT}),
        (JobKind.SEARCH, "", {}),
        (JobKind.JOB, "cdi", {}),
        (JobKind.TRAINING, "cdd", {}),
        (JobKind.JOB, "", {}),
    ],
)
def test_a_contract_only_for_a_job_or_a_training(kind, contract, expected):
    assert problems(kind=kind, contract=contract) == expected


def test_every_problem_at_once_each_on_its_field():
    assert problems(
        birth=TODAY,
        held=False,
        since=date(2020, 1, 1),
        postal_code="123",
        kind=JobKind.SEARCH,
        contract="cdd",
        received=TODAY + timedelta(days=2),
    ) == {
        "birth_date": TOO_YOUNG,
        "licence_since": LICENCE_NOT_HELD,
        "postal_code": POSTAL_CODE,
        "received_on": RECEIVED_FUTURE,
        "contract": SEARCH_CONTRACT,
    }


@given(days=st.integers(min_value=0, max_value=366))
def test_any_reception_within_the_year_is_accepted(days):
    assert problems(received=TODAY - timedelta(days=days)) == {}


# ---- retention and accounts


@given(retention=st.integers(min_value=0, max_value=4000))
def test_the_anonymisation_cutoff_is_the_retention_before_today(retention):
    assert anonymisation_cutoff(today=TODAY, retention_days=retention) == TODAY - timedelta(
        days=retention
    )


@pytest.mark.parametrize(
    ("account", "operator", "admin", "managed"),
    [
        ({1}, False, {1}, True),
        ({1}, False, {1, 2}, True),
        ({1, 2}, False, {1}, False),  # also on a platform the admin does not run
        (set(), False, {1}, False),  # on no platform: the operator's to manage
        ({1}, True, {1}, False),  # the operator's own staff
        ({3}, False, {1}, False),
    ],
)
def test_an_admin_manages_only_accounts_wholly_on_their_platforms(
    account, operator, admin, managed
):
    assert (
        account_managed_by(
            account_platform_ids=account, account_is_operator=operator, admin_platform_ids=admin
        )
        is managed
    )


def test_the_name_key_is_last_name_then_first_name():
    assert identity_key("Hélène", "Dupont-Martin") == "dupont martin|helene"
    assert identity_key("  Jean_Luc ", "O'Brien") == "o brien|jean luc"
