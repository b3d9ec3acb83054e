"""Hostile or absurd input gets a clear 4xx, never a 500, and writes nothing."""

import pytest
from django.test import Client

from mobility.models import Referral
from mobility.tokens import issue_token
from tests.api.conftest import referral_body


@pytest.fixture
def raw_client(adviser):
    client = Client(raise_request_exception=False)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {issue_token(user=adviser)}"
    return client


def test_a_nul_character_in_a_body_is_a_400_in_french(raw_client, prescriber_org):
    body = referral_body(prescriber_org.pk, person={"first_name": "A\x00"})
    response = raw_client.post("/api/v1/referrals", body, content_type="application/json")
    assert response.status_code == 400
    assert "caractère nul" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_a_nul_character_in_a_query_is_a_400(raw_client):
    response = raw_client.get("/api/v1/beneficiaries", {"q": "Du\x00"})
    assert response.status_code == 400


@pytest.mark.parametrize("offset", ["99999999999999999999", "-1", "abc"])
def test_an_absurd_offset_is_a_422(raw_client, offset):
    response = raw_client.get("/api/v1/referrals", {"offset": offset})
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/referrals", "/api/v1/beneficiaries", "/api/v1/organisations"],
)
def test_list_filters_left_empty_mean_no_filter(raw_client, path):
    response = raw_client.get(path + "?status=&prescriber=&kind=&q=")
    assert response.status_code == 200, response.content


def test_an_unknown_api_path_answers_json(raw_client):
    response = raw_client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_a_wrong_method_answers_json(raw_client):
    response = raw_client.put("/api/v1/referrals", "{}", content_type="application/json")
    assert response.status_code == 405
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("overrides", "french"),
    [
        ({"job": {"home_work_km": "NaN"}}, "nombre"),
        ({"prescriber": 1.5}, "entier"),
    ],
)
def test_pydantic_errors_are_said_in_french(raw_client, prescriber_org, overrides, french):
    response = raw_client.post(
        "/api/v1/referrals",
        referral_body(prescriber_org.pk, **overrides),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert french in response.json()["detail"]
    assert "Input should" not in response.json()["detail"]


def test_choices_are_listed_in_french(raw_client, prescriber_org):
    response = raw_client.post(
        "/api/v1/referrals",
        referral_body(prescriber_org.pk, person={"sex": "female"}),
        content_type="application/json",
    )
    detail = response.json()["detail"]
    assert "'f', 'm' ou 'x'" in detail
    assert " or " not in detail
