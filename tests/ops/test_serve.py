"""`make serve` runs the service as production does: gunicorn, the task worker and the
scheduler, on PostgreSQL, with hashed static files and one cache for every process."""

import json
import re
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.ops.served import drop_database, get, new_service

REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture(scope="module")
def service(tmp_path_factory, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("make serve runs on PostgreSQL: the PostgreSQL run of the suite proves it")
        redis.Redis.from_url(REDIS_URL).flushdb()
        served = new_service(
            tmp_path_factory.mktemp("serve"), CACHE_URL=REDIS_URL, API_THROTTLE_USER="5/min"
        )
        try:
            served.start()
            served.manage("seed_demo")
            yield served
        finally:
            served.stop()
            drop_database(served)


def test_the_three_processes_run(service):
    assert set(service.started_processes()) == {"web", "worker", "scheduler"}
    assert service.process.poll() is None


def test_pages_link_hashed_static_files_cached_for_a_year(service):
    status, _headers, body = get(service.url + "/connexion/")
    assert status == 200
    stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', body).group(1).decode()
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet
    status, headers, _body = get(service.url + stylesheet, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]
    assert headers.get("Content-Encoding") == "gzip"


def test_the_api_limit_holds_across_server_processes(service):
    token = service.manage("create_api_token", "conseiller", "--label", "limite").strip()
    other = service.start_another_web_server()
    statuses = []
    for call in range(24):
        url = (service.url if call % 2 else other) + "/api/v1/referrals"
        status, _headers, body = get(url, {"Authorization": f"Bearer {token}"})
        statuses.append(status)
        if status == 429:
            assert json.loads(body)["detail"] == "Trop de requêtes : réessayez dans un instant."
    assert statuses.count(200) == 5, statuses
    assert statuses.count(429) == 19, statuses


def descendants(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            children += [int(child), *descendants(int(child))]
    return children


def test_web_workers_start_with_pandas_and_weasyprint_loaded(service):
    """gunicorn loads them in its master before forking (gunicorn.conf.py, mobility/warmup.py):
    no person's request waits for them. Their compiled parts are mapped in every worker."""
    workers = [
        pid
        for pid in descendants(service.started_processes()["web"])
        if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert len(workers) >= 2  # the master and its workers (WEB_CONCURRENCY=2)
    for pid in workers:
        maps = Path(f"/proc/{pid}/maps").read_text()
        assert "pandas/_libs" in maps, pid
        assert "libpango" in maps, pid
