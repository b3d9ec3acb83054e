"""Pure rules of the funder reports: no ORM, no clock (pass `today`), plain values only.

- The period a report may cover (`period_errors`): one check for the page, the downloads
  and the API, so that no date reaches the queries that they cannot compute with.
- The filters on the people (`PeopleFilters`), the reports that enclose a filtered one
  (`enclosing`: what statistical secrecy compares it with, mobility.reports.secrecy) and
  the filters a funder account may not choose (`refused_to_funders`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from itertools import product

from django.utils.translation import gettext as _

from mobility.templatetags.french_dates import format_date

# Before 2000 the product held nothing; a year ahead is as far as a budget plans; ten
# years is the longest review a funder asks for (and bounds the report's cost).
EARLIEST_DAY = date(2000, 1, 1)
YEARS_AHEAD = 1
LONGEST_PERIOD_YEARS = 10
SHORTEST_POSTAL_PREFIX = 2  # a département


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def latest_day(today: date) -> date:
    return add_years(today, YEARS_AHEAD)


def period_errors(start: date, end: date, *, today: date) -> dict[str, str]:
    """What is wrong with the period [start, end] (both included), field by field.

    Both days lie between EARLIEST_DAY and a year after today, the end does not precede
    the start, and the period lasts at most LONGEST_PERIOD_YEARS years.
    """
    latest = latest_day(today)
    errors: dict[str, str] = {}
    for name, day in (("start", start), ("end", end)):
        if day < EARLIEST_DAY:
            errors[name] = _("Indiquez une date à partir du %(day)s.") % {
                "day": _long(EARLIEST_DAY)
            }
        elif day > latest:
            errors[name] = _(
                "Indiquez une date au plus tard le %(day)s (un an après aujourd'hui)."
            ) % {"day": _long(latest)}
    if errors:
        return errors
    if end < start:
        errors["end"] = _("La fin de la période précède son début.")
    elif end >= add_years(start, LONGEST_PERIOD_YEARS):
        errors["end"] = _("Une période dure au plus %(years)s ans : raccourcissez-la.") % {
            "years": LONGEST_PERIOD_YEARS
        }
    return errors


def _long(day: date) -> str:
    return format_date(day, "j F Y")


@dataclass(frozen=True)
class PeopleFilters:
    """The report's filters on the people: a prescriber organisation, the start of a
    postal code, a commune name, the residents of a QPV. All empty: everyone."""

    prescriber_id: int | None = None
    postal_code: str = ""
    commune: str = ""
    qpv_only: bool = False

    @property
    def is_everyone(self) -> bool:
        return self == PeopleFilters()

    def chosen(self) -> list[str]:
        """The names of the filters set, as the query string and the form call them."""
        return [
            name
            for name, value in (
                ("prescriber", self.prescriber_id),
                ("postal_code", self.postal_code),
                ("commune", self.commune),
                ("qpv", self.qpv_only),
            )
            if value
        ]


def enclosing(filters: PeopleFilters) -> tuple[PeopleFilters, ...]:
    """Every report whose people include this report's people by construction: one or
    more filters dropped, or the postal code's prefix shortened (down to a département).

    `prescriber=1&commune=Sedan` is enclosed by `prescriber=1`, `commune=Sedan` and the
    whole; `postal_code=0820` by `082`, `08` and the whole. The whole (no filter) comes
    first; the report itself is not among them; an unfiltered report has none.
    """
    postal_codes = [""]
    if filters.postal_code:
        postal_codes += [
            filters.postal_code[:length]
            for length in range(SHORTEST_POSTAL_PREFIX, len(filters.postal_code) + 1)
        ]
    options = product(
        [None, filters.prescriber_id] if filters.prescriber_id else [None],
        dict.fromkeys(postal_codes),
        ["", filters.commune] if filters.commune else [""],
        [False, True] if filters.qpv_only else [False],
    )
    wider = []
    for prescriber_id, postal_code, commune, qpv_only in options:
        candidate = replace(
            filters,
            prescriber_id=prescriber_id,
            postal_code=postal_code,
            commune=commune,
            qpv_only=qpv_only,
        )
        if candidate != filters:
            wider.append(candidate)
    return tuple(wider)


def refused_to_funders(filters: PeopleFilters) -> list[str]:
    """The filters a funder account may not choose: all those on the people.

    What a funder's funding covers, as the data records it: a Budget line names a
    platform, a funder and a period, never a territory, a prescriber or a public; a
    driving-school FundingTranche names the enrolments it pays for, which no report
    filter selects. So a funder reads the reports of the platforms it funds, for any
    period, addressed to itself, and no subset of the people: a subset is what two
    reports subtract to single someone out.
    """
    return filters.chosen()
