import pytest

from mobility.enums import Role
from tests.factories import OrganisationFactory, ReferralFactory, member
from tests.nothing_written import nothing_written


def test_a_prescriber_sees_only_its_own_organisations_referrals(
    api, prescriber, prescriber_org, platform
):
    own = ReferralFactory(prescriber=prescriber_org)
    other = ReferralFactory(prescriber=OrganisationFactory(platform=platform))
    client = api(prescriber)

    body = client.get("/api/v1/referrals").json()
    assert body["count"] == 1
    assert [item["id"] for item in body["items"]] == [own.pk]
    assert client.get(f"/api/v1/referrals/{own.pk}").status_code == 200
    with nothing_written():
        assert client.get(f"/api/v1/referrals/{other.pk}").status_code == 404


def test_a_prescriber_reads_the_feedback_of_its_referral(api, prescriber, adviser, prescriber_org):
    referral = ReferralFactory(prescriber=prescriber_org)
    api(adviser).post(
        f"/api/v1/referrals/{referral.pk}/decline", {"reason": "Déjà suivi ailleurs."}
    )
    body = api(prescriber).get(f"/api/v1/referrals/{referral.pk}").json()
    assert body["status"] == "declined"
    assert body["decline_reason"] == "Déjà suivi ailleurs."
    assert [f["event"] for f in body["feedback"]] == ["referral_declined"]


def test_an_adviser_sees_the_platforms_referrals_and_filters_them(
    api, adviser, prescriber_org, other_platform
):
    ReferralFactory.create_batch(3, prescriber=prescriber_org)
    ReferralFactory(prescriber=prescriber_org, status="declined", decline_reason="Hors territoire")
    ReferralFactory(prescriber=OrganisationFactory(platform=other_platform))
    client = api(adviser)

    assert client.get("/api/v1/referrals").json()["count"] == 4
    assert client.get("/api/v1/referrals", status="declined").json()["count"] == 1
    assert client.get("/api/v1/referrals", status="nonsense").status_code == 422


def test_lists_are_paginated_with_limit_and_offset(api, adviser, prescriber_org):
    ReferralFactory.create_batch(5, prescriber=prescriber_org)
    client = api(adviser)
    page = client.get("/api/v1/referrals", limit=2, offset=4).json()
    assert page["count"] == 5
    assert len(page["items"]) == 1
    assert client.get("/api/v1/referrals", limit=1000).status_code == 422
    assert client.get("/api/v1/referrals", offset=-1).status_code == 422


@pytest.mark.parametrize("role", [Role.FUNDER, Role.FLEET, Role.INSTRUCTOR])
def test_roles_without_casework_cannot_list_referrals(api, platform, prescriber_org, role):
    ReferralFactory(prescriber=prescriber_org)
    response = api(member(role, platform)).get("/api/v1/referrals")
    assert response.status_code == 403


def test_the_referral_list_costs_the_same_queries_whatever_its_length(
    api, adviser, prescriber_org, django_assert_num_queries
):
    client = api(adviser)
    ReferralFactory.create_batch(2, prescriber=prescriber_org)
    client.get("/api/v1/referrals")  # warm the caches that are not per request
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/referrals")
    ReferralFactory.create_batch(25, prescriber=prescriber_org)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/api/v1/referrals").json()["count"] == 27
    assert len(large) == len(small)
