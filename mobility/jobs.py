"""The daily jobs: what each does, when it is due, and the record of each run.

Each job is a task (enqueued at its time by `manage.py run_scheduler`, run by the task
worker) and runs now with `manage.py run_daily_jobs [--job NAME]` (the crontab
alternative). Both go through `run()`, which records a JobRun and logs what the job did.
A scheduled run happens at most once a local day per job, however many schedulers or
crontabs ask: the first one inserts the day's JobRun, the unique constraint
`job_run_once_a_day` turns the others away.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from importlib import import_module
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from mobility import form_tokens, notifications, referral_delays, services
from mobility.enums import DailyJobName, JobOutcome
from mobility.models import JobRun
from mobility.registry import registry

if TYPE_CHECKING:
    from django_tasks.base import Task

logger = logging.getLogger(__name__)

INTERRUPTED = "Interrompue avant la fin (le processus qui l'exécutait s'est arrêté)."
LOST_TASK = "mobility.jobs.WorkerLost"
LOST_TASK_TRACE = (
    "Le worker qui exécutait cette tâche s'est arrêté avant la fin ; la tâche est marquée "
    "en échec par le ménage quotidien. Les notifications concernées restent en attente "
    "et sont renvoyées par la relance quotidienne."
)


# ---- what each job does: `now` in, a French sentence of what was done out


def anonymise(now: datetime) -> str:
    done = services.anonymise_past_retention(today=timezone.localdate(now))
    return (
        f"{done.people} personne(s) anonymisée(s), {done.referrals_erased} fiche(s) sans "
        f"parcours effacée(s), {done.referrals_linked} rattachée(s) à leur personne"
    )


def purge_idempotency_keys(now: datetime) -> str:
    count = services.idempotency_keys_purge(now=now)
    forms_count = form_tokens.purge(now=now)
    return (
        f"{count} réponse(s) mémorisée(s) de l'API supprimée(s), "
        f"{forms_count} jeton(s) de formulaire consommé(s) supprimé(s)"
    )


def clear_sessions(now: datetime) -> str:
    # What `manage.py clearsessions` does, for whichever session engine is configured.
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    return "sessions expirées supprimées"


def retry_notifications(now: datetime) -> str:
    count = notifications.requeue_stuck(now=now)
    return f"{count} notification(s) en attente remise(s) en file d'envoi"


def prune_task_results(now: datetime) -> str:
    """Mark the tasks a dead worker left "running" as failed (django-tasks' database
    backend never takes them back: the rows they worked on are what is retried), then
    delete the finished results past TASK_RESULTS_RETENTION_DAYS."""
    lost = (
        DBTaskResult.objects.running()
        .filter(started_at__lt=now - settings.TASK_LOST_AFTER)
        .update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=LOST_TASK,
            traceback=LOST_TASK_TRACE,
        )
    )
    old = DBTaskResult.objects.finished().filter(
        finished_at__lt=now - timedelta(days=settings.TASK_RESULTS_RETENTION_DAYS)
    )
    deleted, _ = old.delete()
    return f"{deleted} résultat(s) de tâche supprimé(s), {lost} tâche(s) interrompue(s) en échec"


def fleet_alerts(now: datetime) -> str:
    """Points étapes overdue past each platform's threshold: the adviser and the referents
    hear of each once (the fleet's part, registered: fleet.services.overdue_alerts)."""
    count = registry.daily_work[DailyJobName.FLEET_ALERTS](today=timezone.localdate(now))
    return f"{count} location(s) dont le point étape est en retard signalée(s)"


def remind_referrals(now: datetime) -> str:
    done = referral_delays.referral_reminders(today=timezone.localdate(now))
    return (
        f"{done.expired} fiche(s) expirée(s), {done.late} fiche(s) en retard signalée(s) "
        f"à {done.advisers} conseiller·ère(s)"
    )


# ---- running one, with its record


def run(name: str, *, manual: bool = False) -> JobRun | None:
    """Run daily job `name` and record it; None if it already ran today (scheduled runs).

    `manual` (run_daily_jobs --force) runs it again all the same, recorded as such. The
    job's own error is recorded, logged and raised.
    """
    job = DAILY_JOBS[name]
    now = timezone.now()
    job_run = _start(job.name, day=timezone.localdate(now), manual=manual, now=now)
    if job_run is None:
        logger.info("Daily job %s already ran today: skipped", job.name)
        return None
    logger.info("Daily job %s started", job.name)
    try:
        summary = job.work(now)
    except Exception as error:
        _finish(job_run, outcome=JobOutcome.FAILED, error=f"{type(error).__name__}: {error}")
        logger.exception("Daily job %s failed", job.name)
        raise
    _finish(job_run, outcome=JobOutcome.OK, summary=summary)
    logger.info("Daily job %s done: %s", job.name, summary)
    return job_run


def _start(name: str, *, day, manual: bool, now: datetime) -> JobRun | None:
    # A run that never finished (its process was killed) is recorded as such, not left
    # "en cours" for ever. Only an old one: a recent one may be another scheduler's.
    JobRun.objects.filter(
        job=name, outcome=JobOutcome.RUNNING, started_at__lt=now - settings.TASK_LOST_AFTER
    ).update(outcome=JobOutcome.FAILED, finished_at=now, error=INTERRUPTED)
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=name, day=day, manual=manual, started_at=now)
    except IntegrityError:  # job_run_once_a_day: another scheduler got there first
        return None


def _finish(job_run: JobRun, *, outcome: str, summary: str = "", error: str = "") -> None:
    job_run.outcome = outcome
    job_run.finished_at = timezone.now()
    job_run.summary = summary[:255]
    job_run.error = error
    job_run.save(update_fields=["outcome", "finished_at", "summary", "error"])


# ---- the tasks the scheduler enqueues (module-level functions, as tasks must be)


@task()
def anonymisation_task() -> str:
    return _outcome(run(DailyJobName.ANONYMISATION))


@task()
def idempotency_purge_task() -> str:
    return _outcome(run(DailyJobName.IDEMPOTENCY_PURGE))


@task()
def session_cleanup_task() -> str:
    return _outcome(run(DailyJobName.SESSION_CLEANUP))


@task()
def notification_retry_task() -> str:
    return _outcome(run(DailyJobName.NOTIFICATION_RETRY))


@task()
def task_results_prune_task() -> str:
    return _outcome(run(DailyJobName.TASK_RESULTS_PRUNE))


@task()
def fleet_alerts_task() -> str:
    return _outcome(run(DailyJobName.FLEET_ALERTS))


def referral_reminders_task() -> str:
    return _outcome(run(DailyJobName.REFERRAL_REMINDERS))


def _outcome(job_run: JobRun | None) -> str:
    return job_run.summary if job_run else "déjà faite aujourd'hui"


@dataclass(frozen=True)
class DailyJob:
    name: DailyJobName
    at: time  # local time (TIME_ZONE, Europe/Paris) the scheduler enqueues it
    work: Callable[[datetime], str]
    task: Task

    @property
    def label(self) -> str:
        return str(self.name.label)


# In this order, a few minutes apart, at night: the retry comes after the purges, and
# the task results are pruned. The late fiches' digest waits for the morning, when the
# advisers start their day.
DAILY_JOBS: dict[str, DailyJob] = {
    job.name: job
    for job in [
        DailyJob(DailyJobName.ANONYMISATION, time(3, 0), anonymise, anonymisation_task),
        DailyJob(
            DailyJobName.IDEMPOTENCY_PURGE,
            time(3, 10),
            purge_idempotency_keys,
            idempotency_purge_task,
        ),
        DailyJob(DailyJobName.SESSION_CLEANUP, time(3, 15), clear_sessions, session_cleanup_task),
        DailyJob(
            DailyJobName.NOTIFICATION_RETRY,
            time(3, 20),
            retry_notifications,
            notification_retry_task,
        ),
        DailyJob(
            DailyJobName.TASK_RESULTS_PRUNE,
            time(3, 30),
            prune_task_results,
            task_results_prune_task,
        ),
        # In the morning, before the fleet team arrives: the notices wait in their inbox.
        DailyJob(DailyJobName.FLEET_ALERTS, time(7, 0), fleet_alerts, fleet_alerts_task),
        DailyJob(
            DailyJobName.REFERRAL_REMINDERS,
            time(7, 30),
            remind_referrals,
            referral_reminders_task,
        ),
    ]
}
