import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from mobility.models import Pathway, Referral
from tests.api.conftest import ApiClient, referral_body
from tests.factories import ReferralFactory


def test_a_retried_post_returns_the_first_response_and_writes_nothing_more(
    api, prescriber, prescriber_org
):
    client = api(prescriber)
    headers = {"Idempotency-Key": "fiche-2026-11-22-001"}
    first = client.post("/api/v1/referrals", referral_body(prescriber_org.pk), headers=headers)
    again = client.post("/api/v1/referrals", referral_body(prescriber_org.pk), headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(api, prescriber, prescriber_org):
    client = api(prescriber)
    headers = {"Idempotency-Key": "cle-1"}
    client.post("/api/v1/referrals", referral_body(prescriber_org.pk), headers=headers)
    other = referral_body(prescriber_org.pk, person={"first_name": "Nadia"})
    response = client.post("/api/v1/referrals", other, headers=headers)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert Referral.objects.count() == 1


def test_without_a_key_each_post_writes(api, prescriber, prescriber_org):
    client = api(prescriber)
    client.post("/api/v1/referrals", referral_body(prescriber_org.pk))
    client.post("/api/v1/referrals", referral_body(prescriber_org.pk))
    assert Referral.objects.count() == 2


def test_keys_belong_to_their_user(api, prescriber, adviser, prescriber_org):
    headers = {"Idempotency-Key": "shared-key"}
    api(prescriber).post("/api/v1/referrals", referral_body(prescriber_org.pk), headers=headers)
    response = api(adviser).post(
        "/api/v1/referrals", referral_body(prescriber_org.pk), headers=headers
    )
    assert response.status_code == 201
    assert Referral.objects.count() == 2


def test_a_conflict_is_replayed_too(api, adviser, referral):
    client = api(adviser)
    client.post(f"/api/v1/referrals/{referral.pk}/accept")
    headers = {"Idempotency-Key": "accept-again"}
    first = client.post(f"/api/v1/referrals/{referral.pk}/accept", headers=headers)
    again = client.post(f"/api/v1/referrals/{referral.pk}/accept", headers=headers)
    assert first.status_code == again.status_code == 409
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_write_once(prescriber, prescriber_org):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race only exists on PostgreSQL")
    clients = [ApiClient(prescriber) for _ in range(6)]
    results = []

    def send(client):
        response = client.post(
            "/api/v1/referrals",
            referral_body(prescriber_org.pk),
            headers={"Idempotency-Key": "tablette-reseau-instable"},
        )
        results.append((response.status_code, response.json()["id"]))
        connection.close()

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Referral.objects.count() == 1
    assert {status for status, _ in results} == {201}
    assert len({referral_id for _, referral_id in results}) == 1


def test_the_same_key_on_another_path_is_refused(api, adviser, prescriber_org):
    first, second = (ReferralFactory(prescriber=prescriber_org) for _ in range(2))
    client = api(adviser)
    headers = {"Idempotency-Key": "accepter"}
    accepted = client.post(f"/api/v1/referrals/{first.pk}/accept", headers=headers)
    assert accepted.status_code == 200
    # Same key, same (empty) body, another fiche: replaying the first answer would say the
    # second fiche is accepted while nothing happened to it.
    response = client.post(f"/api/v1/referrals/{second.pk}/accept", headers=headers)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    second.refresh_from_db()
    assert second.status == "submitted"
    assert Pathway.objects.count() == 1


@pytest.mark.parametrize(
    ("ttl_hours", "hours_later", "replayed"), [(48, 47, True), (48, 49, False), (2, 3, False)]
)
def test_a_key_older_than_its_lifetime_is_forgotten(
    api, prescriber, prescriber_org, settings, time_machine, ttl_hours, hours_later, replayed
):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = ttl_hours
    time_machine.move_to(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False)
    client = api(prescriber)
    headers = {"Idempotency-Key": "fiche-du-lundi"}
    first = client.post("/api/v1/referrals", referral_body(prescriber_org.pk), headers=headers)
    assert first.status_code == 201

    time_machine.shift(timedelta(hours=hours_later))
    again = client.post("/api/v1/referrals", referral_body(prescriber_org.pk), headers=headers)

    assert again.status_code == 201
    assert (again.get("Idempotent-Replayed") == "true") is replayed
    assert (again.json()["id"] == first.json()["id"]) is replayed
    assert Referral.objects.count() == (1 if replayed else 2)
