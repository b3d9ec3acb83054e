"""Logs are one JSON object per line: time, level, logger, message, request id, user id.
Every request writes one access line; no line holds a name, e-mail, phone or search term."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mobility.logs import (
    JsonFormatter,
    RequestContextFilter,
    StripQueryStringFilter,
    without_row_values,
)
from tests.api.conftest import ApiClient
from tests.conftest import logged_in
from tests.factories import BeneficiaryFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def log_lines():
    """The lines the console handler would print, as parsed JSON objects."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    handler.addFilter(StripQueryStringFilter())
    loggers = [logging.getLogger(name) for name in ("", "django", "django.server")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def access_lines(lines):
    return [line for line in lines if line["logger"] == "mobility.access"]


def test_each_request_writes_one_access_line_with_its_ids_and_no_query_string(adviser, log_lines):
    response = ApiClient(adviser).get("/api/v1/beneficiaries", limit=5)
    assert response.status_code == 200
    [line] = access_lines(log_lines())
    assert set(line) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "user_id",
        "method",
        "path",
        "status",
        "duration_ms",
    }
    assert line["time"].endswith("+00:00")
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/api/v1/beneficiaries", 200)
    assert line["user_id"] == adviser.pk
    assert line["request_id"] == response["X-Request-ID"]
    assert isinstance(line["duration_ms"], float)
    assert "limit" not in line["message"]


def test_a_name_searched_for_appears_in_no_log_line(adviser, platform, log_lines):
    BeneficiaryFactory(platform=platform, last_name="Belkacem")
    client = logged_in(adviser)
    assert client.get("/beneficiaires/", {"q": "Belkacem"}).status_code == 200
    # A 404 and a 422 make Django log warnings that carry the request (and its query).
    assert client.get("/fiches/999999/", {"q": "Belkacem"}).status_code == 404
    assert ApiClient(adviser).get("/api/v1/beneficiaries", q="Belkacem", limit=0).status_code == 422
    lines = log_lines()
    assert {line["logger"] for line in lines} >= {"mobility.access", "django.request"}
    assert not [line for line in lines if "Belkacem" in json.dumps(line)]
    assert not [line for line in lines if "?" in json.dumps(line)]


def test_every_record_of_a_request_carries_its_request_id_and_user_id(adviser, log_lines):
    client = logged_in(adviser)
    response = client.get("/fiches/999999/")
    assert response.status_code == 404
    lines = [
        line for line in log_lines() if line["logger"] in ("mobility.access", "django.request")
    ]
    assert len(lines) == 2
    assert {line["request_id"] for line in lines} == {response["X-Request-ID"]}
    assert {line["user_id"] for line in lines} == {adviser.pk}


def test_a_log_outside_any_request_has_null_ids(log_lines):
    logging.getLogger("mobility.tasks").info("purge finished: %s rows", 3)
    [line] = log_lines()
    assert line["message"] == "purge finished: 3 rows"
    assert line["request_id"] is None
    assert line["user_id"] is None


def test_an_incoming_request_id_is_kept_and_echoed(client, db, log_lines):
    response = client.get("/connexion/", headers={"X-Request-ID": "proxy-4f1c2a9e.01"})
    assert response["X-Request-ID"] == "proxy-4f1c2a9e.01"
    assert access_lines(log_lines())[0]["request_id"] == "proxy-4f1c2a9e.01"


@pytest.mark.parametrize("incoming", ["", "a b", "x" * 129, "<script>", "nom=Dupont;"])
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(client, db, incoming):
    response = client.get("/connexion/", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_runserver_request_lines_lose_their_query_string():
    record = logging.LogRecord(
        "django.server",
        logging.WARNING,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /beneficiaires/?q=Belkacem HTTP/1.1", "404", "179"),
        None,
    )
    StripQueryStringFilter().filter(record)
    assert record.getMessage() == '"GET /beneficiaires/ HTTP/1.1" 404 179'


def test_extras_that_are_objects_are_left_out_of_the_line():
    class Request:
        def __repr__(self):
            return "<WSGIRequest: GET '/beneficiaires/?q=Belkacem'>"

    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found", (), None
    )
    record.request = Request()
    record.status_code = 404
    line = json.loads(JsonFormatter().format(record))
    assert "request" not in line
    assert line["status_code"] == 404


def test_row_values_quoted_by_postgresql_are_removed_from_tracebacks():
    text = (
        'duplicate key value violates unique constraint "email"\n'
        "DETAIL:  Key (email)=(yasmina@example.org) already exists."
    )
    assert "yasmina" not in without_row_values(text)


def _log_from_a_fresh_process(**environ) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "LOG_FORMAT", "SENTRY_DSN")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mobility.settings",
        SECRET_KEY="test",
        DATABASE_URL="sqlite:///:memory:",
        **environ,
    )
    code = (
        "import django, logging; django.setup(); logging.getLogger('mobility').warning('bonjour')"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_settings_log_json_by_default():
    result = _log_from_a_fresh_process()
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "mobility", "bonjour")


def test_the_demo_logs_text_and_log_format_chooses():
    assert (
        "WARNING mobility [None user=None] bonjour" in _log_from_a_fresh_process(DEBUG="1").stderr
    )
    json.loads(_log_from_a_fresh_process(DEBUG="1", LOG_FORMAT="json").stderr.splitlines()[-1])


def test_an_unknown_log_format_stops_the_start_with_a_clear_message():
    result = _log_from_a_fresh_process(LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text" in result.stderr
