"""The scheduler: a long-running process that enqueues each daily job at its time.

APScheduler (3.x) fires a cron trigger per job in TIME_ZONE (Europe/Paris); each firing
only enqueues the job's task, which the task worker (`manage.py db_worker`) runs. Two
schedulers started by mistake enqueue twice, and the job still runs once that day
(mobility/jobs.py). A firing missed while the process was down is not caught up later:
the next night's run does the work (every job handles whatever is due).
"""

import logging
import signal
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from mobility import jobs

logger = logging.getLogger(__name__)


def enqueue(name: str) -> None:
    """Put daily job `name` in the task queue (the scheduler's only work)."""
    # The scheduler lives for months: never reuse a connection the database has dropped.
    close_old_connections()
    try:
        result = jobs.DAILY_JOBS[name].task.enqueue()
    finally:
        close_old_connections()
    logger.info("Daily job %s enqueued (task %s)", name, result.id)


def build_scheduler() -> BlockingScheduler:
    zone = ZoneInfo(settings.TIME_ZONE)
    scheduler = BlockingScheduler(timezone=zone)
    for job in jobs.DAILY_JOBS.values():
        scheduler.add_job(
            enqueue,
            CronTrigger(hour=job.at.hour, minute=job.at.minute, timezone=zone),
            args=[str(job.name)],
            id=str(job.name),
            name=job.label,
            # Fired up to an hour late (a busy machine, a clock jump), never twice.
            misfire_grace_time=3600,
            coalesce=True,
            max_instances=1,
        )
    return scheduler


class Command(BaseCommand):
    help = "Planificateur : met en file chaque tâche quotidienne à son heure (Europe/Paris)."

    def handle(self, *args, **options):
        scheduler = build_scheduler()

        def stop(signum, frame):
            logger.info("Scheduler stopping (%s)", signal.strsignal(signum))
            scheduler.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for job in jobs.DAILY_JOBS.values():
            self.stdout.write(f"{job.at:%H:%M} {job.name} ({job.label})")
        self.stdout.flush()
        logger.info("Scheduler started: %s daily jobs", len(jobs.DAILY_JOBS))
        scheduler.start()
