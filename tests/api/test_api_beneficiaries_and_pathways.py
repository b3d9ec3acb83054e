import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mobility import services
from mobility.enums import Role
from mobility.models import Notification
from tests.factories import ReferralFactory, member
from tests.nothing_written import nothing_written


@pytest.fixture
def accepted(referral, adviser):
    return services.referral_accept(referral=referral, by=adviser)


def test_staff_read_the_beneficiary_with_its_pathways(api, adviser, accepted):
    body = api(adviser).get(f"/api/v1/beneficiaries/{accepted.beneficiary_id}").json()
    assert body["last_name"] == accepted.last_name
    assert body["pathways"] == [
        {
            "id": accepted.pathway_id,
            "status": "open",
            "opened_on": accepted.pathway.opened_on.isoformat(),
            "closed_on": None,
            "outcome": None,
        }
    ]


@pytest.mark.parametrize("role", [Role.PRESCRIBER, Role.FUNDER])
def test_prescribers_and_funders_cannot_read_beneficiaries(api, platform, accepted, role):
    user = member(role, platform)
    client = api(user)
    with nothing_written():
        assert client.get("/api/v1/beneficiaries").status_code == 403
    with nothing_written():
        assert client.get(f"/api/v1/beneficiaries/{accepted.beneficiary_id}").status_code == 403
    with nothing_written():
        assert client.get(f"/api/v1/pathways/{accepted.pathway_id}").status_code == 403


def test_another_platforms_beneficiary_is_not_found(api, other_adviser, accepted):
    client = api(other_adviser)
    with nothing_written():
        assert client.get(f"/api/v1/beneficiaries/{accepted.beneficiary_id}").status_code == 404
    with nothing_written():
        assert client.get(f"/api/v1/pathways/{accepted.pathway_id}").status_code == 404
    assert client.get("/api/v1/beneficiaries").json()["count"] == 0


def test_the_beneficiary_list_costs_the_same_queries_whatever_its_length(
    api, adviser, prescriber_org
):
    client = api(adviser)
    for referral in ReferralFactory.create_batch(2, prescriber=prescriber_org):
        services.referral_accept(referral=referral, by=adviser)
    client.get("/api/v1/beneficiaries")
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/beneficiaries")
    for referral in ReferralFactory.create_batch(20, prescriber=prescriber_org):
        services.referral_accept(referral=referral, by=adviser)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/api/v1/beneficiaries").json()["count"] == 22
    assert len(large) == len(small)


def test_closing_a_pathway_records_the_outcome_and_tells_the_referent(api, adviser, accepted):
    response = api(adviser).post(
        f"/api/v1/pathways/{accepted.pathway_id}/close",
        {
            "date": accepted.pathway.opened_on.isoformat(),
            "outcome": "cdi",
            "durable_solution": True,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "closed"
    assert body["outcome"] == "cdi"
    assert body["durable_solution"] is True
    assert body["referrals"] == [accepted.pk]
    accepted.refresh_from_db()
    assert accepted.status == "closed"
    assert Notification.objects.filter(referral=accepted, event="pathway_closed").exists()


def test_a_pathway_cannot_be_closed_twice(api, adviser, accepted):
    client = api(adviser)
    body = {
        "date": accepted.pathway.opened_on.isoformat(),
        "outcome": "none",
        "durable_solution": False,
    }
    assert client.post(f"/api/v1/pathways/{accepted.pathway_id}/close", body).status_code == 200
    response = client.post(f"/api/v1/pathways/{accepted.pathway_id}/close", body)
    assert response.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"date": "2000-01-01", "outcome": "cdi", "durable_solution": True},
        {"date": "2999-01-01", "outcome": "cdi", "durable_solution": True},
        {"date": "hier", "outcome": "cdi", "durable_solution": True},
        {"date": "2026-11-01", "outcome": "lottery", "durable_solution": True},
        {"outcome": "cdi", "durable_solution": True},
    ],
)
def test_bad_closing_input_is_a_422_and_the_pathway_stays_open(api, adviser, accepted, body):
    response = api(adviser).post(f"/api/v1/pathways/{accepted.pathway_id}/close", body)
    assert response.status_code == 422
    accepted.pathway.refresh_from_db()
    assert accepted.pathway.status == "open"


def test_fleet_staff_read_pathways_but_cannot_close_them(api, platform, accepted):
    client = api(member(Role.FLEET, platform))
    assert client.get(f"/api/v1/pathways/{accepted.pathway_id}").status_code == 200
    response = client.post(
        f"/api/v1/pathways/{accepted.pathway_id}/close",
        {
            "date": accepted.pathway.opened_on.isoformat(),
            "outcome": "cdi",
            "durable_solution": True,
        },
    )
    assert response.status_code == 403
