"""A report's period is bounded (rules.period_errors): a French 422 for the API, a form
error on the page, never a 500 (`end=9999-12-31` overflowed on `end + 1 day`)."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from mobility.reports.rules import EARLIEST_DAY, add_years, latest_day, period_errors
from tests.conftest import logged_in

URL = "/api/v1/reports/usage"
TODAY = dt.date(2026, 6, 15)


def next_year() -> dt.date:
    return latest_day(timezone.localdate())


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        ("2026-01-01", "9999-12-31", "end", "au plus tard le"),
        ("0001-01-01", "2026-01-31", "start", "à partir du 1er janvier 2000"),
        ("1999-12-31", "2026-01-31", "start", "à partir du 1er janvier 2000"),
        ("2000-01-01", "2026-01-31", "end", "au plus 10 ans"),
        ("9999-12-31", "9999-12-31", "start", "au plus tard le"),
    ],
)
def test_a_period_out_of_bounds_is_a_french_422(api, admin_user, start, end, field, words):
    answer = api(admin_user).get(URL, start=start, end=end)
    assert answer.status_code == 422
    body = answer.json()
    assert words in body["errors"][field]
    assert body["detail"].startswith("La demande de rapport n'est pas valide")
    assert words in body["detail"]
    for extension in ("csv", "xlsx", "pdf"):
        assert api(admin_user).get(URL, start=start, end=end, format=extension).status_code == 422


def test_the_page_and_its_downloads_say_what_is_wrong_with_the_dates(admin_user):
    client = logged_in(admin_user)
    query = {"start": "2026-01-01", "end": "9999-12-31"}
    page = client.get("/rapports/", query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "au plus tard le" in html
    assert "Corrigez la période" in html
    for extension in ("pdf", "xlsx", "csv"):
        download = client.get(f"/rapports/telecharger.{extension}", query)
        assert download.status_code == 302
        assert download["Location"].startswith("/rapports/?")


def test_the_bounds_themselves_are_accepted(api, admin_user):
    latest = next_year()
    ten_years = add_years(latest, -10) + dt.timedelta(days=1)  # both days included
    answer = api(admin_user).get(URL, start=ten_years.isoformat(), end=latest.isoformat())
    assert answer.status_code == 200
    one_day_more = ten_years - dt.timedelta(days=1)
    answer = api(admin_user).get(URL, start=one_day_more.isoformat(), end=latest.isoformat())
    assert answer.status_code == 422
    early = api(admin_user).get(URL, start=EARLIEST_DAY.isoformat(), end="2009-12-31")
    assert early.status_code == 200


def test_a_commune_with_control_characters_is_refused(api, admin_user):
    answer = api(admin_user).get(URL, start="2026-01-01", end="2026-01-31", commune="Sedan\x01")
    assert answer.status_code == 422
    assert answer.json()["errors"] == {
        "commune": "Le nom de commune contient des caractères invalides."
    }


days = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


@given(start=days, end=days)
def test_any_period_that_passes_can_be_computed_with(start, end):
    errors = period_errors(start, end, today=TODAY)
    if not errors:
        assert EARLIEST_DAY <= start <= end <= latest_day(TODAY)
        assert end < add_years(start, 10)
        # What the queries compute with does not overflow.
        assert end + dt.timedelta(days=1) > end
    else:
        assert set(errors) <= {"start", "end"}
        assert all(message.endswith(".") for message in errors.values())


def test_a_29_february_plus_one_year_is_28_february():
    assert latest_day(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)
