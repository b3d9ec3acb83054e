"""A check-in that met a database outage answers 503 and leaves nothing behind; the
tablet's retry with the same Idempotency-Key, once the database is back, records it once."""

from unittest import mock

from django.db.utils import OperationalError

from fleet import services
from fleet.models import CheckIn
from mobility.middleware import IdempotencyMiddleware
from mobility.models import IdempotentRequest
from tests.fleet.conftest import CONDITION_OK, days_ago

LOST = OperationalError("server closed the connection unexpectedly")


def _checkin(client, rental):
    return client.post(
        f"/api/v1/fleet/rentals/{rental.pk}/checkins",
        {"date": str(days_ago(0)), "odometer_km": 42300, "condition": CONDITION_OK},
        headers={"Idempotency-Key": "tablette-point-etape-1"},
    )


def test_a_check_in_cut_by_an_outage_is_a_503_then_recorded_once_on_retry(api, fleet_user, rental):
    client = api(fleet_user)
    with mock.patch.object(services, "_entry", side_effect=LOST):
        failed = _checkin(client, rental)
    assert failed.status_code == 503
    assert failed["Retry-After"]
    assert not CheckIn.objects.exists()
    assert not IdempotentRequest.objects.exists()

    retried = _checkin(client, rental)
    assert retried.status_code == 201, retried.content
    assert retried.get("Idempotent-Replayed") is None
    assert CheckIn.objects.count() == 1
    assert _checkin(client, rental)["Idempotent-Replayed"] == "true"
    assert CheckIn.objects.count() == 1


def test_an_outage_at_the_idempotency_lookup_is_a_json_503(api, fleet_user, rental):
    client = api(fleet_user)
    # Raised in a middleware, the error goes through handler500, which the test client
    # would otherwise re-raise here.
    client.client.raise_request_exception = False
    with mock.patch.object(IdempotencyMiddleware, "_stored", side_effect=LOST):
        response = _checkin(client, rental)
    assert response.status_code == 503
    assert response.json()["detail"].startswith("Service momentanément indisponible")
    assert not CheckIn.objects.exists()
