"""The scheduler enqueues each daily job at its time, Paris time, summer and winter."""

import subprocess
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django_tasks_db.models import DBTaskResult

from mobility.management.commands.run_scheduler import build_scheduler, enqueue
from tests.background import BASE_DIR, manage_command, subprocess_environment

PARIS = ZoneInfo("Europe/Paris")
TIMES = {
    "anonymisation": "03:00",
    "idempotency_purge": "03:10",
    "session_cleanup": "03:15",
    "notification_retry": "03:20",
    "task_results_prune": "03:30",
    "fleet_alerts": "07:00",
    # The late fiches' digest reaches the advisers as their day starts.
    "referral_reminders": "07:30",
}


WINTER, SUMMER = datetime(2026, 1, 15, 12, tzinfo=PARIS), datetime(2026, 7, 15, 12, tzinfo=PARIS)


@pytest.mark.parametrize("day", [WINTER, SUMMER], ids=["winter", "summer"])
def test_each_job_is_due_every_night_at_its_paris_time(day):
    scheduler = build_scheduler()

    next_runs = {job.id: job.trigger.get_next_fire_time(None, day) for job in scheduler.get_jobs()}

    assert {name: f"{at.astimezone(PARIS):%H:%M}" for name, at in next_runs.items()} == TIMES
    assert {at.astimezone(PARIS).date() for at in next_runs.values()} == {
        day.date().replace(day=16)
    }


@pytest.mark.django_db(transaction=True)  # the scheduler refreshes its connection
def test_a_firing_puts_the_job_in_the_task_queue(database_tasks):
    enqueue("anonymisation")

    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "mobility.jobs.anonymisation_task"
    assert queued.status == "READY"


def test_the_scheduler_runs_as_a_process_until_stopped(tmp_path):
    log = (tmp_path / "scheduler.log").open("w")
    process = subprocess.Popen(
        manage_command("run_scheduler"),
        cwd=BASE_DIR,
        env=subprocess_environment(DATABASE_URL="sqlite:///:memory:"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    try:
        deadline = time.monotonic() + 120
        while "task_results_prune" not in (tmp_path / "scheduler.log").read_text():
            assert process.poll() is None, (tmp_path / "scheduler.log").read_text()
            assert time.monotonic() < deadline
            time.sleep(0.2)
        time.sleep(0.5)
        assert process.poll() is None  # still running, waiting for 03:00
    finally:
        process.terminate()  # SIGTERM: the service manager's stop
        returncode = process.wait(timeout=30)

    assert returncode == 0
    output = (tmp_path / "scheduler.log").read_text()
    assert "03:00 anonymisation (anonymisation des personnes)" in output
