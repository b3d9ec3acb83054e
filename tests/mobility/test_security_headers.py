"""Security headers: a strict Content-Security-Policy, Permissions-Policy, Referrer-Policy,
and `Cache-Control: no-store` on every answer that may show a person."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from mobility import tokens
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_pages_carry_a_strict_content_security_policy(client):
    directives = policy(client.get(reverse("login")))

    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in " ".join(directives.values())


def test_the_api_docs_run_under_the_same_policy(adviser):
    response = logged_in(adviser).get("/api/docs")

    assert response.status_code == 200
    assert policy(response)["script-src"] == "'self'"


def test_camera_microphone_and_location_are_off_and_referrers_stay_on_the_site(client):
    response = client.get(reverse("login"))

    features = {part.strip() for part in response["Permissions-Policy"].split(",")}
    assert {"camera=()", "microphone=()", "geolocation=()"} <= features
    assert response["Referrer-Policy"] == "same-origin"


def test_every_page_of_a_signed_in_person_is_not_stored(adviser, client):
    signed_in = logged_in(adviser)
    for url in (reverse("referral_list"), reverse("beneficiary_list"), reverse("api_tokens")):
        response = signed_in.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_every_api_answer_is_not_stored(adviser, client):
    raw = tokens.issue_token(user=adviser)
    by_token = client.get("/api/v1/referrals", headers={"Authorization": f"Bearer {raw}"})
    anonymous = client.get("/api/v1/referrals")
    schema = client.get("/api/openapi.json")

    assert by_token.status_code == 200
    for response in (by_token, anonymous, schema):
        assert "no-store" in response["Cache-Control"]


def test_static_files_stay_cacheable_even_for_a_signed_in_person(adviser, settings):
    settings.WHITENOISE_USE_FINDERS = True  # the suite runs no collectstatic

    static = logged_in(adviser).get(settings.STATIC_URL + "css/app.css")
    static.close()  # a file response

    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
    assert "Content-Security-Policy" in static


# The policy forbids inline scripts and style attributes: the pages must not need them.
# The PDF layouts are read by WeasyPrint only, never by a browser.
PAGES = [
    path
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
    if not path.name.endswith("_pdf.html") and "emails" not in path.parts
]
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"  # an inline script
    r"|\son[a-z]+\s*="  # an event handler attribute
    r"|\sstyle\s*=",  # a style attribute
    re.IGNORECASE,
)


@pytest.mark.parametrize("template", PAGES, ids=lambda path: path.name)
def test_no_page_template_has_inline_script_or_style(template):
    assert not INLINE.findall(template.read_text(encoding="utf-8"))
