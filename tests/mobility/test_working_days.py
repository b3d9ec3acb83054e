"""French working days (issue 11, item 11): Monday to Friday except the eleven public
holidays; and the delays of a fiche counted with them. Pure functions, whole input space."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.rules import (
    referral_due_on,
    referral_expiry_cutoff,
    referral_is_late,
    referral_late_cutoff,
)
from mobility.working_days import (
    add_working_days,
    easter_sunday,
    is_working_day,
    public_holidays,
    working_days_between,
)

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))
delays = st.integers(min_value=1, max_value=20)


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2000, date(2000, 4, 23)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_falls_on_the_known_sundays(year, easter):
    assert easter_sunday(year) == easter


@given(year=st.integers(min_value=1583, max_value=4099))
def test_easter_is_a_sunday_between_22_march_and_25_april(year):
    easter = easter_sunday(year)
    assert easter.weekday() == 6
    assert date(year, 3, 22) <= easter <= date(year, 4, 25)


def test_the_public_holidays_of_2026():
    assert sorted(public_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 4, 6),  # lundi de Pâques
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 14),  # Ascension
        date(2026, 5, 25),  # lundi de Pentecôte
        date(2026, 7, 14),
        date(2026, 8, 15),
        date(2026, 11, 1),
        date(2026, 11, 11),
        date(2026, 12, 25),
    ]


@given(year=st.integers(min_value=1583, max_value=4099))
def test_the_eleven_holidays_are_all_in_their_year(year):
    holidays = public_holidays(year)
    easter = easter_sunday(year)
    movable = {easter + timedelta(days=offset) for offset in (1, 39, 50)}
    fixed = {date(year, m, d) for m, d in ((1, 1), (5, 1), (5, 8), (7, 14))}
    fixed |= {date(year, m, d) for m, d in ((8, 15), (11, 1), (11, 11), (12, 25))}
    assert holidays == movable | fixed
    # Ascension sometimes falls on 8 May (2070): one day off for two holidays.
    assert len(holidays) in (10, 11)
    assert {day.year for day in holidays} == {year}


@given(day=days)
def test_weekends_and_holidays_are_not_working_days(day):
    expected = day.weekday() < 5 and day not in public_holidays(day.year)
    assert is_working_day(day) is expected


@given(start=days, count=st.integers(min_value=0, max_value=60))
def test_adding_working_days_lands_on_one_and_counts_back(start, count):
    end = add_working_days(start, count)
    assert working_days_between(start, end) == count
    if count:
        assert is_working_day(end)
        assert end > start
    else:
        assert end == start


@given(start=days, count=st.integers(min_value=0, max_value=30))
def test_adding_one_more_working_day_moves_forward(start, count):
    assert add_working_days(start, count + 1) > add_working_days(start, count)


@given(start=days, end=days)
def test_working_days_never_exceed_the_calendar_days(start, end):
    count = working_days_between(start, end)
    assert 0 <= count <= max((end - start).days, 0)


def test_a_bridge_in_may_2026():
    # Thursday 7 May + 1 working day: Friday 8 May is a holiday, so Monday 11 May.
    assert add_working_days(date(2026, 5, 7), 1) == date(2026, 5, 11)
    # Received Monday 4 May: five working days later is Tuesday 12 May.
    assert referral_due_on(waiting_since=date(2026, 5, 4), late_after_working_days=5) == date(
        2026, 5, 12
    )


def test_a_negative_count_is_a_programming_error():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1)


@given(today=days, delay=delays, waited=st.integers(min_value=0, max_value=80))
def test_the_late_fiches_are_exactly_those_waiting_since_the_cutoff_or_before(today, delay, waited):
    waiting_since = today - timedelta(days=waited)
    cutoff = referral_late_cutoff(today=today, late_after_working_days=delay)
    late = referral_is_late(waiting_since=waiting_since, today=today, late_after_working_days=delay)
    assert late is (waiting_since <= cutoff)


@given(today=days, delay=delays)
def test_a_fiche_is_late_only_once_its_working_days_have_passed(today, delay):
    cutoff = referral_late_cutoff(today=today, late_after_working_days=delay)
    assert working_days_between(cutoff, today) >= delay
    assert working_days_between(cutoff + timedelta(days=1), today - timedelta(days=1)) < delay


@given(today=days, expire_after=st.integers(min_value=1, max_value=365))
def test_a_fiche_expires_the_day_after_its_last_day(today, expire_after):
    cutoff = referral_expiry_cutoff(today=today, expire_after_days=expire_after)
    assert (today - cutoff).days == expire_after + 1
