"""ISO weeks written YYYY-Www, one parser for the fleet and the auto-école."""

from datetime import date

import pytest

from mobility import weeks


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W02", date(2026, 1, 5)),
        ("2026-W01", date(2025, 12, 29)),
        ("2026-W53", date(2026, 12, 28)),
        ("2000-W01", date(2000, 1, 3)),
        ("2100-W52", date(2100, 12, 27)),
    ],
)
def test_a_week_is_read_as_its_monday_and_written_back(text, monday):
    assert weeks.parse_iso_week(text) == monday
    assert weeks.iso_week(monday) == text


@pytest.mark.parametrize(
    "text",
    [None, "", "2026-2", "2026W02", "26-W02", "2026-W00", "2026-W2x", "2026-W54", "2025-W53"],
)
def test_a_malformed_or_missing_week_is_refused_in_french(text):
    with pytest.raises(weeks.InvalidWeek) as error:
        weeks.parse_iso_week(text)
    assert "semaine" in str(error.value).lower()


@pytest.mark.parametrize("text", ["9999-W52", "0001-W01", "1999-W52", "2101-W01"])
def test_a_week_too_far_in_time_is_refused(text):
    with pytest.raises(weeks.InvalidWeek) as error:
        weeks.parse_iso_week(text)
    assert "entre les années 2000 et 2100" in str(error.value)


def test_the_monday_of_a_day():
    assert weeks.week_start(date(2026, 1, 11)) == date(2026, 1, 5)
    assert weeks.week_start(date(2026, 1, 5)) == date(2026, 1, 5)
