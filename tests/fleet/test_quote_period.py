"""A quote covers a bounded period (fleet.tariffs.quote_period_problems): dates near year 1
or 9999 and very long periods are a French 422, never a 500 from date arithmetic."""

from datetime import date, timedelta

import pytest

from fleet import services, tariffs
from mobility.errors import InvalidInput
from tests.fleet.conftest import days_ago

BASE = "/api/v1/fleet/quote"
TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(9999, 12, 1), date(9999, 12, 31), "start"),
        (date(1, 1, 1), date(1, 1, 8), "start"),
        (date(2026, 1, 5), date(2045, 1, 5), "end"),
        (date(2026, 1, 5), date(2027, 2, 5), "end"),  # more than a year
        (date(2026, 1, 12), date(2026, 1, 5), "end"),
    ],
)
def test_a_period_far_away_too_long_or_backwards_is_refused(start, end, field):
    problems = tariffs.quote_period_problems(start=start, end=end, today=TODAY)
    assert field in problems


def test_a_year_or_the_grids_length_is_accepted():
    assert not tariffs.quote_period_problems(
        start=date(2026, 1, 5), end=date(2027, 1, 5), today=TODAY
    )
    assert not tariffs.quote_period_problems(
        start=date(2026, 1, 5), end=date(2027, 7, 5), today=TODAY, max_months=18
    )


def test_the_quote_service_refuses_an_unbounded_period(pathway):
    with pytest.raises(InvalidInput) as error:
        services.quote_for(
            beneficiary=pathway.beneficiary,
            kind="car",
            start=date(9999, 12, 1),
            end=date(9999, 12, 31),
        )
    assert "start" in error.value.errors


@pytest.mark.parametrize(
    ("start", "end"),
    [("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-31"), ("0001-01-01", "9999-12-31")],
)
def test_the_api_answers_a_french_422(api, fleet_user, pathway, start, end):
    response = api(fleet_user).get(
        BASE, beneficiary_id=pathway.beneficiary_id, kind="car", start=start, end=end
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Le devis n'est pas valide")


def test_a_quote_of_this_year_still_works(api, fleet_user, pathway):
    response = api(fleet_user).get(
        BASE,
        beneficiary_id=pathway.beneficiary_id,
        kind="car",
        start=str(days_ago(0)),
        end=str(days_ago(0) + timedelta(days=7)),
    )
    assert response.status_code == 200
    assert response.json()["total"] == "17.50"
