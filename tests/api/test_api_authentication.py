from django.test import Client
from ninja import main as ninja_main

from mobility.models import ApiToken, Referral
from tests.api.conftest import referral_body
from tests.conftest import logged_in
from tests.nothing_written import nothing_written


def test_a_call_without_credentials_gets_401_in_french(api, db):
    response = api().get("/api/v1/referrals")
    assert response.status_code == 401
    assert "Authentification requise" in response.json()["detail"]


def test_an_unknown_token_gets_401(api, db):
    response = api(token="not-a-real-token").get("/api/v1/referrals")
    assert response.status_code == 401


def test_a_revoked_token_gets_401(api, adviser):
    client = api(adviser)
    assert client.get("/api/v1/referrals").status_code == 200
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00+01:00")
    with nothing_written():
        assert client.get("/api/v1/referrals").status_code == 401


def test_the_browser_session_reads_the_api(adviser):
    assert logged_in(adviser).get("/api/v1/referrals").status_code == 200


def test_a_browser_post_without_csrf_token_is_refused(prescriber, prescriber_org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(prescriber)
    response = client.post(
        "/api/v1/referrals", referral_body(prescriber_org.pk), content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_a_token_caller_is_recorded_as_the_author_in_the_history(api, adviser, referral):
    response = api(adviser).post(f"/api/v1/referrals/{referral.pk}/accept")
    assert response.status_code == 200
    assert referral.history.latest().history_user == adviser


def test_the_openapi_schema_and_docs_are_served(client, db):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/organisations",
        "/api/v1/referrals",
        "/api/v1/referrals/{referral_id}/accept",
        "/api/v1/referrals/{referral_id}/decline",
        "/api/v1/beneficiaries",
        "/api/v1/pathways/{pathway_id}/close",
    ):
        assert path in paths
    assert client.get("/api/docs").status_code == 200


def test_the_openapi_schema_is_built_once_per_process(client, db, monkeypatch):
    from mobility.api import api as ninja_api

    built = []
    original = ninja_main.get_schema

    def counting_get_schema(**kwargs):
        built.append(kwargs["path_prefix"])
        return original(**kwargs)

    monkeypatch.setattr(ninja_main, "get_schema", counting_get_schema)
    monkeypatch.setattr(ninja_api, "_openapi_schemas", {})
    first = client.get("/api/openapi.json")
    second = client.get("/api/openapi.json")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert built == ["/api/"]
