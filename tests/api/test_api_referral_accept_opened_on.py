"""The accept API dates a decision typed in later (issue 11, item 10): `opened_on` between
the fiche's reception and today opens the pathway that day; outside, a French 422 that
writes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mobility.enums import ReferralStatus
from mobility.models import Notification, Pathway


def test_a_decision_typed_in_later_opens_the_pathway_on_its_day(api, adviser, referral):
    day = referral.received_on + timedelta(days=1)
    response = api(adviser).post(
        f"/api/v1/referrals/{referral.pk}/accept", {"opened_on": day.isoformat()}
    )
    assert response.status_code == 200, response.content
    assert Pathway.objects.get(pk=response.json()["pathway_id"]).opened_on == day


def test_without_opened_on_the_pathway_opens_today(api, adviser, referral):
    response = api(adviser).post(f"/api/v1/referrals/{referral.pk}/accept", {})
    assert response.status_code == 200, response.content
    pathway = Pathway.objects.get(pk=response.json()["pathway_id"])
    assert pathway.opened_on == timezone.localdate()


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(lambda referral: referral.received_on - timedelta(days=1), id="before"),
        pytest.param(lambda referral: timezone.localdate() + timedelta(days=1), id="future"),
    ],
)
def test_a_day_outside_reception_and_today_is_a_french_422_that_writes_nothing(
    api, adviser, referral, day
):
    response = api(adviser).post(
        f"/api/v1/referrals/{referral.pk}/accept", {"opened_on": day(referral).isoformat()}
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert "réception" in body["detail"] and "aujourd'hui" in body["detail"]
    assert "opened_on" in body["errors"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert not Pathway.objects.exists()
    assert not Notification.objects.filter(event="referral_accepted").exists()


def test_a_malformed_day_is_a_422(api, adviser, referral):
    response = api(adviser).post(
        f"/api/v1/referrals/{referral.pk}/accept", {"opened_on": "31/12/2026"}
    )
    assert response.status_code == 422
    assert not Pathway.objects.exists()
