"""An API write that crashes leaves nothing behind, so a retry starts clean."""

from unittest import mock

from django.test import Client

from mobility.models import Notification, Referral
from mobility.tokens import issue_token
from tests.api.conftest import referral_body


def crashing_client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {issue_token(user=user)}"
    return client


def test_a_write_that_crashes_after_the_service_committed_is_undone(prescriber, prescriber_org):
    client = crashing_client(prescriber)
    with mock.patch("mobility.core_api.referrals_for", side_effect=RuntimeError("bug")):
        response = client.post(
            "/api/v1/referrals", referral_body(prescriber_org.pk), content_type="application/json"
        )
    assert response.status_code == 500
    assert not Referral.objects.exists()
    assert not Notification.objects.exists()


def test_a_retry_with_the_same_key_after_a_crash_writes_once(prescriber, prescriber_org):
    client = crashing_client(prescriber)
    headers = {"Idempotency-Key": "apres-un-plantage"}
    with mock.patch("mobility.core_api.referrals_for", side_effect=RuntimeError("bug")):
        crashed = client.post(
            "/api/v1/referrals",
            referral_body(prescriber_org.pk),
            content_type="application/json",
            headers=headers,
        )
    assert crashed.status_code == 500
    retried = client.post(
        "/api/v1/referrals",
        referral_body(prescriber_org.pk),
        content_type="application/json",
        headers=headers,
    )
    assert retried.status_code == 201
    assert Referral.objects.count() == 1
