"""Errors reach Sentry only when SENTRY_DSN is set, and without personal data."""

import json
import os
import subprocess
import sys
from pathlib import Path

from mobility.sentry import scrub_breadcrumb, scrub_event

ROOT = Path(__file__).resolve().parents[2]

EVENT = {
    "level": "error",
    "exception": {
        "values": [
            {
                "type": "IntegrityError",
                "value": 'duplicate key value violates unique constraint "email"\n'
                "DETAIL:  Key (email)=(yasmina.belkacem@example.org) already exists.",
                "stacktrace": {
                    "frames": [{"function": "beneficiary_list", "vars": {"q": "'Belkacem'"}}]
                },
            }
        ]
    },
    "request": {
        "method": "POST",
        "url": "https://mobilite.example/beneficiaires/?q=Belkacem",
        "query_string": "q=Belkacem",
        "data": {"last_name": "Belkacem", "phone": "06 12 34 56 78"},
        "cookies": {"sessionid": "abc"},
        "headers": {
            "Cookie": "sessionid=abc",
            "Authorization": "Bearer secret",
            "User-Agent": "Mozilla/5.0",
            "Referer": "https://mobilite.example/beneficiaires/?q=Belkacem",
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Request-Id": "abc123",
        },
        "env": {"REMOTE_ADDR": "192.0.2.1"},
    },
    "user": {"id": "42", "email": "conseillere@example.org", "username": "marie.dupont"},
    "extra": {"request": "<WSGIRequest: GET '/beneficiaires/?q=Belkacem'>", "status_code": 500},
    "breadcrumbs": {
        "values": [
            {
                "category": "query",
                "message": 'SELECT … WHERE "last_name" ILIKE %s',
                "data": {"db.params": ["%Belkacem%"]},
            },
            {
                "category": "mobility.access",
                "message": "GET /beneficiaires/ 200 12.0 ms",
                "data": {"path": "/beneficiaires/", "status": 200, "request": "<WSGIRequest…>"},
            },
        ]
    },
}


def test_the_scrubbed_event_keeps_method_path_and_user_id_only():
    scrubbed = json.dumps(scrub_event(EVENT))
    for personal in ("Belkacem", "yasmina", "06 12 34", "sessionid", "secret", "192.0.2.1"):
        assert personal not in scrubbed
    for personal in ("conseillere@example.org", "marie.dupont", "Mozilla"):
        assert personal not in scrubbed
    event = scrub_event(EVENT)
    assert event["request"]["url"] == "https://mobilite.example/beneficiaires/"
    assert event["request"]["method"] == "POST"
    assert event["user"] == {"id": "42"}
    assert event["extra"] == {"status_code": 500}
    assert event["exception"]["values"][0]["type"] == "IntegrityError"
    assert "duplicate key value" in event["exception"]["values"][0]["value"]


def test_scrubbing_leaves_the_original_event_untouched():
    before = json.dumps(EVENT)
    scrub_event(EVENT)
    assert json.dumps(EVENT) == before


def test_a_breadcrumb_keeps_its_message_and_the_access_log_fields():
    crumb = scrub_breadcrumb(EVENT["breadcrumbs"]["values"][1])
    assert crumb["message"] == "GET /beneficiaires/ 200 12.0 ms"
    assert crumb["data"] == {"path": "/beneficiaires/", "status": 200}
    assert scrub_breadcrumb(EVENT["breadcrumbs"]["values"][0])["data"] == {}


def _run(code: str, **environ) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "SENTRY_DSN"}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings", DATABASE_URL="sqlite:///:memory:", **environ
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


ACTIVE = "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().is_active())"


def test_sentry_starts_only_when_sentry_dsn_is_set():
    assert _run(ACTIVE).stdout.strip() == "False"
    with_dsn = _run(ACTIVE, SENTRY_DSN="https://public@sentry.example/1")
    assert with_dsn.stdout.strip() == "True", with_dsn.stderr


# A page that crashes on a search, served with Sentry on; the events are caught on their
# way out instead of being sent.
CRASH = r"""
import json
import django, sentry_sdk
django.setup()
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import path
from sentry_sdk.transport import Transport

sent = []

class Keep(Transport):
    def capture_envelope(self, envelope):
        sent.extend(item.payload.json for item in envelope.items if item.payload.json)

sentry_sdk.get_client().transport = Keep()

def search(request):
    q = request.GET["q"]
    raise ValueError("search failed")

urlpatterns = [path("recherche/", search)]
settings.ROOT_URLCONF = __name__
setup_test_environment()
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "cookie-de-session"
response = client.post(
    "/recherche/?q=Belkacem", {"telephone": "06 12 34 56 78"}, headers={"X-Request-ID": "req-1"}
)
sentry_sdk.flush()
print(response.status_code)
print(json.dumps(sent))
"""


def test_a_crash_reaches_sentry_without_the_search_the_body_or_the_cookie():
    result = _run(CRASH, SENTRY_DSN="https://public@sentry.example/1")
    assert result.returncode == 0, result.stderr
    status, sent = result.stdout.strip().splitlines()[-2:]
    assert status == "500"
    events = [event for event in json.loads(sent) if event.get("exception")]
    assert events, sent
    payload = json.dumps(events)
    assert "search failed" in payload
    assert '"request_id": "req-1"' in payload
    for personal in ("Belkacem", "06 12 34", "cookie-de-session"):
        assert personal not in payload
