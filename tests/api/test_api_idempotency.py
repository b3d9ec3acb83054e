import threading

import pytest
from django.db import connection

from mobility.models import Referral
from tests.api.conftest import ApiClient, referral_body


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
