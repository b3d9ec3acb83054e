"""GET /healthz: is the service able to work, for a load balancer or a monitoring probe.

No authentication and no personal data: states, counts, ages and dates only. Three
queries and a cache round trip, so probing it often costs nothing. 503 when the
database does not answer (nothing works without it); 200 otherwise, a failing cache
included ("degraded": pages work, throttling and lockouts do not hold).
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Case, Count, F, Min, When
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

from mobility.jobs import DAILY_JOBS
from mobility.models import JobRun

logger = logging.getLogger(__name__)

CACHE_KEY = "healthz"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    now = timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        tasks = _task_backlog(now)
        jobs = _last_runs()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return JsonResponse(
            {"status": "error", "database": "error", "cache": _cache_state()}, status=503
        )
    cache_state = _cache_state()
    return JsonResponse(
        {
            "status": "ok" if cache_state == "ok" else "degraded",
            "database": "ok",
            "cache": cache_state,
            "tasks": tasks,
            "jobs": jobs,
        }
    )


def _cache_state() -> str:
    value = get_random_string(12)
    try:
        cache.set(CACHE_KEY, value, timeout=10)
        return "ok" if cache.get(CACHE_KEY) == value else "error"
    except Exception:  # any backend's failure (Redis down, table missing) is the answer
        logger.exception("Health check: the cache does not answer")
        return "error"


def _task_backlog(now) -> dict:
    """Tasks due and not started; the age of the oldest, counted from when it was due."""
    due_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    backlog = DBTaskResult.objects.ready().aggregate(pending=Count("pk"), oldest=Min(due_since))
    oldest = backlog["oldest"]
    return {
        "pending": backlog["pending"],
        "oldest_pending_age_seconds": round((now - oldest).total_seconds()) if oldest else 0,
    }


def _last_runs() -> dict:
    last = {run.job: run for run in JobRun.objects.latest_per_job()}
    return {
        name: {
            "last_run": last[name].started_at.isoformat() if name in last else None,
            "outcome": last[name].outcome if name in last else None,
            "summary": last[name].summary if name in last else None,
        }
        for name in DAILY_JOBS
    }
