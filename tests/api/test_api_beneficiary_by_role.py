"""The API gives fleet staff and instructors the same parts of a person as the page."""

import pytest

from mobility import services
from mobility.enums import Role
from tests.factories import ReferralFactory, member

pytestmark = pytest.mark.django_db

PRIVATE_FIELDS = {"address", "postal_code", "commune", "qpv", "rsa", "ass", "aah", "rqth"}


@pytest.fixture
def accepted(prescriber_org, adviser):
    referral = ReferralFactory(
        prescriber=prescriber_org, address="12 rue des Tilleuls", rsa=True, phone="0611223344"
    )
    return services.referral_accept(referral=referral, by=adviser)


def read(api, role, accepted, path):
    response = api(member(role, accepted.platform)).get(path)
    assert response.status_code == 200
    return response.json()


def test_fleet_staff_read_contact_age_and_licence_of_a_person(api, accepted):
    person = read(api, Role.FLEET, accepted, f"/api/v1/beneficiaries/{accepted.beneficiary_id}")

    assert set(person) == {
        "id",
        "first_name",
        "last_name",
        "phone",
        "email",
        "birth_date",
        "licence",
    }


def test_instructors_read_the_name_and_contact_of_a_person(api, accepted):
    person = read(
        api, Role.INSTRUCTOR, accepted, f"/api/v1/beneficiaries/{accepted.beneficiary_id}"
    )

    assert set(person) == {"id", "first_name", "last_name", "phone", "email"}


def test_the_list_shows_each_person_as_the_role_allows(api, accepted):
    page = read(api, Role.FLEET, accepted, "/api/v1/beneficiaries")
    assert page["count"] == 1
    assert not PRIVATE_FIELDS & set(page["items"][0])

    page = read(api, Role.ADVISER, accepted, "/api/v1/beneficiaries")
    assert set(page["items"][0]) >= PRIVATE_FIELDS
    assert page["items"][0]["address"] == "12 rue des Tilleuls"


@pytest.mark.parametrize("role", [Role.FLEET, Role.INSTRUCTOR])
def test_fleet_staff_and_instructors_read_a_pathway_without_its_diagnostics(api, role, accepted):
    pathway = read(api, role, accepted, f"/api/v1/pathways/{accepted.pathway_id}")

    assert set(pathway) == {"id", "status", "beneficiary_id", "opened_on", "closed_on", "services"}


def test_advisers_read_the_whole_pathway(api, accepted):
    pathway = read(api, Role.ADVISER, accepted, f"/api/v1/pathways/{accepted.pathway_id}")

    assert {"diagnostics", "progress", "outcome", "referrals"} <= set(pathway)


def test_the_schema_documents_each_reading_of_a_person(api):
    schema = api().get("/api/openapi.json").json()["components"]["schemas"]

    assert {"BeneficiaryOut", "BeneficiaryFleetOut", "BeneficiaryContactOut"} <= set(schema)
    assert "PathwayLimitedOut" in schema
