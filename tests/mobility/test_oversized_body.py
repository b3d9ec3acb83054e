"""A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 said in French: JSON under
/api/, a page elsewhere; never Django's English "Bad Request (400)" nor a 500."""

import json

import pytest
from django.conf import settings
from django.test import Client

from mobility.http_errors import size_in_french
from mobility.models import Referral
from mobility.tokens import issue_token
from tests.api.conftest import referral_body
from tests.conftest import logged_in

TEN_MEGABYTES = 10 * 1024 * 1024


@pytest.fixture
def client_with_token(adviser):
    client = Client(raise_request_exception=False)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {issue_token(user=adviser)}"
    return client


def test_the_limit_is_one_megabyte_unless_configured():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024


def test_a_ten_megabyte_json_body_is_a_json_413_in_french(client_with_token, prescriber_org):
    body = referral_body(prescriber_org.pk, comment="x" * TEN_MEGABYTES)
    response = client_with_token.post(
        "/api/v1/referrals", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Requête trop volumineuse")
    assert "ne dépasse pas 1\u00a0Mo." in response.json()["detail"]
    assert not Referral.objects.exists()


def test_an_oversized_body_with_a_nul_character_is_still_a_413(client_with_token):
    # The NUL check reads the body: the size is checked first.
    body = '{"comment": "\\u0000' + "x" * (2 * 1024 * 1024) + '"}'
    response = client_with_token.post("/api/v1/referrals", body, content_type="application/json")
    assert response.status_code == 413


def test_an_oversized_form_is_a_french_413_page(adviser):
    client = logged_in(adviser)
    response = client.post("/fiches/nouvelle/", {"comment": "x" * TEN_MEGABYTES})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Envoi trop volumineux" in page
    assert "ne dépasse pas 1\u00a0Mo" in page
    assert '<html lang="fr">' in page
    assert not Referral.objects.exists()


def test_a_form_with_thousands_of_fields_is_a_french_413_page_too(db):
    # Under the size limit, but beyond DATA_UPLOAD_MAX_NUMBER_FIELDS: Django raises while
    # the CSRF check reads the form, and handler400 says it in French.
    client = Client()
    fields = {f"field{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post("/connexion/", fields)
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.content.decode()


def test_a_body_at_the_limit_is_read_as_usual(client_with_token, prescriber_org):
    body = referral_body(prescriber_org.pk)
    raw = json.dumps(body)
    raw = raw[:-1] + ', "project": "' + "x" * 4000 + '"}'
    response = client_with_token.post("/api/v1/referrals", raw, content_type="application/json")
    assert response.status_code == 201, response.content


def test_a_content_length_that_is_not_a_size_is_a_400(client_with_token):
    response = client_with_token.generic(
        "POST", "/api/v1/referrals", b"{}", content_type="application/json", CONTENT_LENGTH="abc"
    )
    assert response.status_code == 400
    assert "Content-Length" in response.json()["detail"]


@pytest.mark.parametrize(
    ("size", "said"),
    [
        (1024 * 1024, "1\u00a0Mo"),
        (2_621_440, "2,5\u00a0Mo"),
        (1536, "1,5\u00a0Ko"),
        (900, "900\u00a0octets"),
    ],
)
def test_the_limit_is_said_in_french_units(size, said):
    assert size_in_french(size) == said
