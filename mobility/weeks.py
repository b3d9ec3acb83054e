"""ISO weeks written YYYY-Www (2026-W02), as the pages and the API take them.

Pure functions, no clock. One parser for every app (fleet, drivingschool), so a week the
API refuses is refused by the pages too. Years are bounded: a week far away in time is a
typo, and `date` arithmetic around year 9999 overflows.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

FIRST_YEAR = 2000
LAST_YEAR = 2100
WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


class InvalidWeek(ValueError):
    """A week that is malformed, does not exist or is out of range; the text is French."""


def parse_iso_week(value: str | None) -> date:
    """The Monday of an ISO week written YYYY-Www; InvalidWeek otherwise."""
    match = WEEK_PATTERN.match(value or "")
    if not match:
        raise InvalidWeek("La semaine s'écrit AAAA-Sss, par exemple 2026-W02.")
    year, week = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidWeek(f"La semaine doit être entre les années {FIRST_YEAR} et {LAST_YEAR}.")
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError as error:
        raise InvalidWeek(f"La semaine {value} n'existe pas.") from error


def iso_week(day: date) -> str:
    """The week of `day` written YYYY-Www."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(day: date) -> date:
    """The Monday of the week of `day`."""
    return day - timedelta(days=day.weekday())
