"""The pure rules of the core domain, tested over their whole input space."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.enums import JobKind, ReferralStatus
from mobility.rules import (
    REFERRAL_TRANSITIONS,
    JobFacts,
    PersonFacts,
    age_on,
    can_transition,
    identity_key,
    is_youth,
    referral_problems,
)

TODAY = date(2026, 11, 22)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


def person(**overrides) -> PersonFacts:
    values = {"birth_date": date(1990, 5, 17), "licence_held": False, "licence_since": None}
    return PersonFacts(**{**values, **overrides})


def job(**overrides) -> JobFacts:
    return JobFacts(**{"kind": JobKind.JOB, "contract": "cdd", "start_date": None, **overrides})


# ---- lifecycle


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("submitted", "accepted", True),
        ("submitted", "declined", True),
        ("submitted", "closed", False),
        ("accepted", "closed", True),
        ("accepted", "declined", False),
        ("accepted", "accepted", False),
        ("declined", "accepted", False),
        ("declined", "closed", False),
        ("closed", "accepted", False),
        ("closed", "submitted", False),
    ],
)
def test_referral_transitions_follow_the_table(current, target, allowed):
    assert can_transition(current, target) is allowed


def test_every_status_has_a_row_in_the_transition_table():
    assert set(REFERRAL_TRANSITIONS) == set(ReferralStatus.values)


# ---- ages


@given(birth=dates, day=dates)
def test_age_grows_by_one_on_each_birthday(birth, day):
    if day < birth:
        return
    age = age_on(birth, day)
    assert age >= 0
    try:
        birthday = birth.replace(year=birth.year + age)
    except ValueError:  # born on 29 February: the birthday is 1 March in common years
        birthday = date(birth.year + age, 3, 1)
    assert birthday <= day


def test_age_on_the_day_before_and_on_the_birthday():
    assert age_on(date(2000, 11, 22), date(2026, 11, 21)) == 25
    assert age_on(date(2000, 11, 22), date(2026, 11, 22)) == 26
    assert age_on(date(2004, 2, 29), date(2026, 2, 28)) == 21
    assert age_on(date(2004, 2, 29), date(2026, 3, 1)) == 22


def test_youth_ends_at_26():
    assert is_youth(date(2000, 11, 23), TODAY)
    assert not is_youth(date(2000, 11, 22), TODAY)


# ---- duplicate detection


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("hélène", "dupont-martin"),
        ("HELENE", "Dupont Martin"),
        ("  Hélène ", "DUPONT  MARTIN"),
        ("Hélène", "Dupont–Martin"),
    ],
)
def test_names_match_whatever_case_accents_and_hyphens(first, last):
    assert identity_key(first, last) == identity_key("Hélène", "Dupont-Martin")


def test_first_and_last_names_are_not_interchangeable():
    assert identity_key("Martin", "Paul") != identity_key("Paul", "Martin")


french_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèêëàâäîïôöùûüçœ -'", max_size=30)


@given(first=french_names, last=french_names)
def test_the_name_key_ignores_case(first, last):
    assert identity_key(first.upper(), last.upper()) == identity_key(first, last)


def test_names_in_other_scripts_are_kept_apart():
    assert identity_key("Мария", "Иванова") != identity_key("Анна", "Петрова")
    assert identity_key("Мария", "Иванова") == identity_key("мария", "ИВАНОВА")


# ---- referral validation


def test_a_plausible_referral_has_no_problem():
    assert referral_problems(person=person(), job=job(), received_on=TODAY, today=TODAY) == {}


@given(days=st.integers(min_value=1, max_value=3650))
def test_a_birth_date_in_the_future_is_refused(days):
    problems = referral_problems(
        person=person(birth_date=TODAY + timedelta(days=days)),
        job=job(),
        received_on=TODAY,
        today=TODAY,
    )
    # One mistake, said once: not also "received before the birth" on another field.
    assert problems == {"birth_date": "La date de naissance ne peut pas être dans le futur."}


def test_without_a_birth_date_the_other_rules_still_speak():
    problems = referral_problems(
        person=person(birth_date=None, licence_held=True, licence_since=date(2030, 1, 1)),
        job=job(kind=JobKind.SEARCH, contract="cdd"),
        received_on=TODAY,
        today=TODAY,
    ) | referral_problems(
        person=person(birth_date=None, postal_code="0820"),
        job=job(),
        received_on=TODAY,
        today=TODAY,
    )
    assert set(problems) == {"licence_since", "contract", "postal_code"}


@pytest.mark.parametrize(
    ("birth", "problem"),
    [
        (date(2012, 11, 23), True),  # 13
        (date(2012, 11, 22), False),  # 14 today
        (date(1926, 11, 23), False),  # 99
        (date(1925, 11, 21), True),  # 101
    ],
)
def test_the_age_must_be_plausible(birth, problem):
    problems = referral_problems(
        person=person(birth_date=birth), job=job(), received_on=TODAY, today=TODAY
    )
    assert ("birth_date" in problems) is problem


@pytest.mark.parametrize(
    ("held", "since", "problem"),
    [
        (True, date(2015, 6, 1), False),
        (True, None, False),
        (False, None, False),
        (False, date(2015, 6, 1), True),  # a date without the licence
        (True, date(2027, 1, 1), True),  # in the future
        (True, date(2000, 1, 1), True),  # aged 9
    ],
)
def test_the_licence_date_must_fit_the_licence(held, since, problem):
    problems = referral_problems(
        person=person(licence_held=held, licence_since=since),
        job=job(),
        received_on=TODAY,
        today=TODAY,
    )
    assert ("licence_since" in problems) is problem


def test_a_referral_cannot_be_received_in_the_future():
    problems = referral_problems(
        person=person(), job=job(), received_on=TODAY + timedelta(days=1), today=TODAY
    )
    assert "received_on" in problems


@pytest.mark.parametrize(
    ("code", "problem"), [("08200", False), ("8200", True), ("08 200", True), ("", False)]
)
def test_a_postal_code_has_five_digits(code, problem):
    problems = referral_problems(
        person=person(postal_code=code), job=job(), received_on=TODAY, today=TODAY
    )
    assert ("postal_code" in problems) is problem


def test_a_job_search_has_no_contract():
    problems = referral_problems(
        person=person(),
        job=job(kind=JobKind.SEARCH, contract="cdi"),
        received_on=TODAY,
        today=TODAY,
    )
    assert "contract" in problems
    assert not referral_problems(
        person=person(), job=job(kind=JobKind.SEARCH, contract=""), received_on=TODAY, today=TODAY
    )


@given(birth=dates, received=dates)
def test_problems_are_always_french_sentences(birth, received):
    problems = referral_problems(
        person=person(birth_date=birth), job=job(), received_on=received, today=TODAY
    )
    for message in problems.values():
        assert message[0].isupper() and message.endswith(".")


def test_a_referral_received_more_than_a_year_ago_is_a_typing_mistake():
    problems = referral_problems(
        person=person(), job=job(), received_on=TODAY - timedelta(days=367), today=TODAY
    )
    assert "received_on" in problems
    assert not referral_problems(
        person=person(), job=job(), received_on=TODAY - timedelta(days=300), today=TODAY
    )


def test_a_referral_cannot_be_received_before_the_person_was_born():
    problems = referral_problems(
        person=person(birth_date=TODAY - timedelta(days=20 * 365)),
        job=job(),
        received_on=TODAY - timedelta(days=20 * 365 + 10),
        today=TODAY,
    )
    assert "received_on" in problems
