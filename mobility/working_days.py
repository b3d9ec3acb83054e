"""Working days in France: Monday to Friday, except the public holidays (jours fériés).

Pure functions, no clock: the delays of a fiche de liaison count in working days. The
eleven national public holidays of the Code du travail (article L3133-1): 1 January,
Easter Monday, 1 May, 8 May, Ascension Thursday, Whit Monday, 14 July, 15 August,
1 November, 11 November, 25 December. (Alsace and Moselle add Good Friday and 26 December:
not counted here, a platform there sees a fiche late a day early at most.)
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
# Days after Easter Sunday: Easter Monday, Ascension Thursday, Whit Monday.
EASTER_OFFSETS = (1, 39, 50)


def easter_sunday(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=256)
def public_holidays(year: int) -> frozenset[date]:
    """The French national public holidays of `year`."""
    easter = easter_sunday(year)
    return frozenset(
        [date(year, month, day) for month, day in FIXED_HOLIDAYS]
        + [easter + timedelta(days=offset) for offset in EASTER_OFFSETS]
    )


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The day `count` working days after `start` (`start` itself never counts; 0: start)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: after `start`, up to and including `end` (0 if
    `end` is not after `start`)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
