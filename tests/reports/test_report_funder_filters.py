"""A funder account chooses the period, not a part of the people (rules.refused_to_funders):
its funding covers the platform's whole action, and a part is what two reports subtract."""

import pytest

from tests.conftest import logged_in
from tests.factories import OrganisationFactory
from tests.nothing_written import nothing_written

URL = "/api/v1/reports/usage"
PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


@pytest.fixture
def prescriber_org(platform):
    return OrganisationFactory(platform=platform, name="Mission locale de Sedan")


@pytest.mark.parametrize(
    "filters",
    [
        {"postal_code": "082"},
        {"postal_code": "0820"},
        {"commune": "Sedan"},
        {"qpv": "true"},
        "prescriber",
    ],
)
def test_a_funder_cannot_restrict_the_report_to_some_people(api, world, prescriber_org, filters):
    if filters == "prescriber":
        filters = {"prescriber": prescriber_org.pk}
    answer = api(world.funder_user).get(URL, **world.query(), **filters)
    assert answer.status_code == 403
    body = answer.json()
    assert "financeur" in body["detail"]
    assert "Retirez ces filtres" in body["detail"]
    assert set(body["errors"]) == {"qpv" if "qpv" in filters else next(iter(filters))}
    for extension in ("csv", "xlsx", "pdf"):
        assert (
            api(world.funder_user)
            .get(URL, **world.query(), **filters, format=extension)
            .status_code
            == 403
        )


def test_the_issues_attacks_are_refused_to_a_funder(api, world):
    """`postal_code=082` vs `0820`, `prescriber=1` vs `prescriber=1&commune=Sedan`."""
    client = api(world.funder_user)
    x = world.organisations["X"].pk
    for filters in (
        {"postal_code": "082"},
        {"postal_code": "0820"},
        {"prescriber": x},
        {"prescriber": x, "commune": "Sedan"},
    ):
        with nothing_written():
            assert client.get(URL, **world.query(), **filters).status_code == 403
    assert client.get(URL, **world.query()).status_code == 200


def test_staff_still_filter_the_report(api, world):
    answer = api(world.admin).get(URL, **world.query(), postal_code="08")
    assert answer.status_code == 200


def test_the_funders_page_offers_no_filter_on_the_people_and_ignores_them_in_the_url(world):
    client = logged_in(world.funder_user)
    page = client.get("/rapports/", {**world.query(), "commune": "Sedan", "qpv": "on"})
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("prescriber", "postal_code", "commune", "qpv"):
        assert f'name="{name}"' not in html
    assert "réservés à la plateforme" in html
    # The download links carry only what the form knows.
    assert "commune=" not in html
    # A download typed by hand gets the report of the whole action.
    csv = client.get("/rapports/telecharger.csv", {**world.query(), "commune": "Sedan"})
    assert csv.status_code == 200
    assert "Commune" not in csv.content.decode("utf-8-sig")


def test_the_staffs_page_offers_the_filters(world):
    html = logged_in(world.admin).get("/rapports/", world.query()).content.decode()
    for name in ("prescriber", "postal_code", "commune", "qpv"):
        assert f'name="{name}"' in html
