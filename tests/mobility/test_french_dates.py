"""Dates read as French writes them: "1er" for the first of the month, in every template."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from mobility.templatetags.french_dates import french_format


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 1), "mardi 1er décembre 2026"),
        (date(2026, 12, 2), "mercredi 2 décembre 2026"),
        (date(2027, 1, 11), "lundi 11 janvier 2027"),
        (date(2027, 2, 21), "dimanche 21 février 2027"),
    ],
)
def test_the_first_of_the_month_is_written_1er_and_no_other_day(day, expected):
    assert render('{{ day|date:"l j F Y" }}', day=day) == expected


def test_a_date_and_time_keeps_its_hour():
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert render('{{ moment|date:"j F Y à H:i" }}', moment=moment) == "1er décembre 2026 à 09:30"


def test_formats_without_a_day_of_the_month_are_untouched():
    assert render('{{ day|date:"F Y" }}', day=date(2026, 12, 1)) == "décembre 2026"
    assert render('{{ day|date:"d/m/Y" }}', day=date(2026, 12, 1)) == "01/12/2026"
    assert french_format(r"\j j", 1) == r"\j j\e\r"


def test_an_empty_value_stays_empty():
    assert render('{{ day|date:"j F Y" }}', day=None) == ""
    assert render('{{ day|date:"j F Y"|default:"—" }}', day="") == "—"
