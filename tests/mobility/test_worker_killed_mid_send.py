"""Nothing is lost when the task worker is killed while it sends an email.

The real worker (`manage.py db_worker`, production settings) runs as a process on the
test database; it is killed (SIGKILL) while the mail server keeps it waiting.
django-tasks' database backend leaves that task "running" for ever and no worker takes
it back: the notification row says what is still to send, and the daily jobs send it
(and mark the dead task as failed).
"""

import subprocess
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mobility import services
from mobility.models import Notification
from tests.background import (
    BASE_DIR,
    HangingSmtpServer,
    RecordingSmtpServer,
    manage_command,
    subprocess_environment,
)
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def silent_server():
    server = HangingSmtpServer()
    yield server
    server.close()


@pytest.fixture
def working_server():
    server = RecordingSmtpServer()
    yield server
    server.close()


def start_worker(tmp_path, name: str, *args: str, **environment: str) -> subprocess.Popen:
    log = (tmp_path / f"{name}.log").open("w")
    process = subprocess.Popen(
        manage_command("db_worker", "--no-startup-delay", "--no-reload", "--interval=0.1", *args),
        cwd=BASE_DIR,
        env=subprocess_environment(**environment),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    return process


def test_a_notification_whose_worker_is_killed_mid_send_is_sent_by_the_retry_path(
    adviser, prescriber_org, database_tasks, silent_server, working_server, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process shares the test database only on PostgreSQL")
    referral = ReferralFactory(prescriber=prescriber_org)
    services.referral_decline(referral=referral, by=adviser, reason="Hors du territoire.")
    notification = Notification.objects.get(event="referral_declined")

    worker = start_worker(
        tmp_path,
        "killed",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(silent_server.port),
        EMAIL_TIMEOUT="600",
    )
    try:
        assert silent_server.connected.wait(timeout=120), (tmp_path / "killed.log").read_text()
    finally:
        worker.kill()  # SIGKILL: no handler, no clean-up, mid-send
        worker.wait(timeout=30)

    notification.refresh_from_db()
    assert (notification.state, notification.attempts, notification.sent_at) == ("pending", 1, None)
    [task] = DBTaskResult.objects.all()
    assert task.status == TaskResultStatus.RUNNING  # left so by the dead worker

    # Hours later, the daily jobs run (the scheduler's, or run_daily_jobs from cron).
    hours_ago = timezone.now() - timedelta(hours=7)
    Notification.objects.filter(pk=notification.pk).update(
        created_at=hours_ago, last_attempt_at=hours_ago
    )
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=hours_ago)
    call_command("run_daily_jobs", stdout=StringIO())

    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    worker = start_worker(
        tmp_path,
        "next",
        "--batch",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(working_server.port),
    )
    assert worker.wait(timeout=120) == 0, (tmp_path / "next.log").read_text()

    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("sent", 2), notification.send_error
    [sent] = working_server.messages
    assert f"To: {notification.recipient}" in sent
