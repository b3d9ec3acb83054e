"""With the database unreachable, every request answers 503 with Retry-After: JSON in
French under /api/, a French page elsewhere; never the 500 page.

The outage is simulated by making every connection attempt fail as PostgreSQL's does when
it is stopped (bench/database_outage.py does it for real)."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import InterfaceError, OperationalError
from django.test import Client

from fleet import services as fleet_services
from mobility.tokens import issue_token
from tests.conftest import logged_in

REFUSED = OperationalError(
    'connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused'
)


@contextmanager
def database_down(error=REFUSED):
    with (
        mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=error),
        mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=error),
    ):
        yield


def assert_json_503(response):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Service momentanément indisponible")
    assert response["Retry-After"] == "10"


def assert_page_503(response):
    assert response.status_code == 503
    page = response.content.decode()
    assert "Service momentanément indisponible" in page
    assert '<html lang="fr">' in page
    assert response["Retry-After"] == "10"


@pytest.fixture
def token_client(fleet_user):
    client = Client(raise_request_exception=False)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {issue_token(user=fleet_user)}"
    return client


def test_an_api_read_with_a_token_is_a_json_503(token_client):
    with database_down():
        response = token_client.get("/api/v1/fleet/vehicles")
    assert_json_503(response)


def test_a_check_in_with_an_idempotency_key_is_a_json_503(token_client):
    with database_down():
        response = token_client.post(
            "/api/v1/fleet/rentals/1/checkins",
            {"date": "2026-01-05", "odometer_km": 100},
            content_type="application/json",
            headers={"Idempotency-Key": "tablette-1"},
        )
    assert_json_503(response)


def test_an_api_call_with_a_session_is_a_json_503(fleet_user):
    client = logged_in(fleet_user)
    client.raise_request_exception = False
    with database_down():
        response = client.get("/api/v1/fleet/vehicles")
    assert_json_503(response)


def test_a_page_of_a_signed_in_user_is_a_french_503_page(adviser):
    client = logged_in(adviser)
    client.raise_request_exception = False
    with database_down():
        response = client.get("/beneficiaires/")
    assert_page_503(response)


def test_a_sign_in_is_a_french_503_page(adviser):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.post(
            "/connexion/", {"username": adviser.username, "password": "mot-de-passe"}
        )
    assert_page_503(response)


def test_a_connection_lost_inside_a_service_is_a_503_too(token_client, fleet_user):
    # The database went away after the request started: the service's query fails.
    lost = InterfaceError("connection already closed")
    with mock.patch.object(fleet_services, "vehicle_create", side_effect=lost):
        response = token_client.post(
            "/api/v1/fleet/vehicles",
            {"kind": "bike", "label": "Vélo"},
            content_type="application/json",
        )
    assert_json_503(response)


def test_the_outage_is_logged_in_one_line_without_traceback(token_client, caplog):
    with database_down():
        token_client.get("/api/v1/fleet/vehicles")
    assert "Connection refused" in caplog.text


def test_another_crash_is_still_a_500_but_in_french_json_under_the_api(token_client):
    with mock.patch.object(fleet_services, "vehicle_create", side_effect=RuntimeError("bug")):
        response = token_client.post(
            "/api/v1/fleet/vehicles",
            {"kind": "bike", "label": "Vélo"},
            content_type="application/json",
        )
    assert response.status_code == 500
    assert response.json()["detail"].startswith("Erreur interne du serveur")
