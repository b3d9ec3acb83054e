import pytest

from mobility.models import Organisation
from tests.factories import OrganisationFactory


def test_a_platform_admin_creates_an_organisation(api, admin_user, platform):
    response = api(admin_user).post(
        "/api/v1/organisations",
        {"name": "PLIE Ardennes", "kind": "prescriber", "siret": "12345678901234"},
    )
    assert response.status_code == 201, response.content
    organisation = Organisation.objects.get(pk=response.json()["id"])
    assert organisation.platform == platform
    assert organisation.history.latest().history_user == admin_user


def test_an_adviser_cannot_create_organisations(api, adviser):
    response = api(adviser).post("/api/v1/organisations", {"name": "X", "kind": "partner"})
    assert response.status_code == 403
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"name": "X", "kind": "sponsor"},
        {"name": "", "kind": "funder"},
        {"name": "X", "kind": "funder", "siret": "123"},
        {"kind": "funder"},
    ],
)
def test_bad_organisations_are_refused(api, admin_user, body):
    response = api(admin_user).post("/api/v1/organisations", body)
    assert response.status_code == 422
    assert not Organisation.objects.exists()


def test_a_duplicate_name_is_a_conflict(api, admin_user, platform):
    OrganisationFactory(platform=platform, name="CCAS de Sedan")
    response = api(admin_user).post(
        "/api/v1/organisations", {"name": "ccas de sedan", "kind": "partner"}
    )
    assert response.status_code == 409
    assert Organisation.objects.count() == 1


def test_organisations_are_listed_within_the_platform(
    api, adviser, prescriber, platform, other_platform
):
    mine = OrganisationFactory(platform=platform, name="France Travail Sedan")
    OrganisationFactory(platform=other_platform, name="France Travail Rethel")
    names = {o["name"] for o in api(adviser).get("/api/v1/organisations").json()["items"]}
    assert mine.name in names
    assert "France Travail Rethel" not in names
    own = api(prescriber).get("/api/v1/organisations").json()
    assert own["count"] == 1  # a prescriber only sees its own organisation
