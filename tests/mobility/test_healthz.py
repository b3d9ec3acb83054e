"""GET /healthz tells a probe whether the service can work: database, cache, task backlog
and the last run of each daily job; 503 when the database does not answer."""

import socket
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mobility import jobs
from mobility.models import JobRun

pytestmark = pytest.mark.usefixtures("database_tasks")


def healthz():
    return Client().get("/healthz")


def test_it_answers_without_signing_in_with_the_state_of_each_part(db):
    queued = jobs.session_cleanup_task.enqueue()
    DBTaskResult.objects.filter(pk=queued.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=2)
    )
    jobs.run("anonymisation")

    response = healthz()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert (body["status"], body["database"], body["cache"]) == ("ok", "ok", "ok")
    assert body["tasks"]["pending"] == 1
    assert 119 <= body["tasks"]["oldest_pending_age_seconds"] <= 180
    run = JobRun.objects.get()
    assert body["jobs"]["anonymisation"] == {
        "last_run": run.started_at.isoformat(),
        "outcome": "ok",
        "summary": (
            "0 personne(s) anonymisée(s), 0 fiche(s) sans parcours effacée(s), "
            "0 rattachée(s) à leur personne"
        ),
    }
    assert body["jobs"]["session_cleanup"] == {"last_run": None, "outcome": None, "summary": None}
    assert set(body["jobs"]) == set(jobs.DAILY_JOBS)


def test_the_backlog_counts_a_deferred_retry_only_once_it_is_due(db):
    later = jobs.session_cleanup_task.using(run_after=timezone.now() + timedelta(minutes=5))
    later.enqueue()

    assert healthz().json()["tasks"] == {"pending": 0, "oldest_pending_age_seconds": 0}


def test_it_shows_the_last_run_of_each_job_in_a_few_queries(db, django_assert_max_num_queries):
    for _ in range(3):
        for name in jobs.DAILY_JOBS:
            jobs.run(name, manual=True)
    jobs.session_cleanup_task.enqueue()

    with django_assert_max_num_queries(3):
        body = healthz().json()

    assert {job["outcome"] for job in body["jobs"].values()} == {"ok"}


def test_a_failing_cache_is_reported_and_the_service_stays_up(db):
    with mock.patch("mobility.health.cache.set", side_effect=ConnectionError("Redis arrêté")):
        response = healthz()

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cache"]) == ("degraded", "error")


@pytest.fixture
def database_down(transactional_db):
    """The database stops answering: PostgreSQL on a port nobody listens on; SQLite
    (whose test database lives in this process) fails to open its file."""
    if connection.vendor != "postgresql":
        error = OperationalError("unable to open database file")
        with mock.patch.object(connection, "cursor", side_effect=error):
            yield
        return
    with socket.socket() as probe:  # a free port, closed again: connections are refused
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=closed_port)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def test_it_answers_503_when_the_database_is_down(database_down):
    response = healthz()

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "cache": "ok"}
