"""A request never waits on the mail server: with an SMTP relay that accepts and never
answers, declining a referral answers at once and its notification waits in the queue."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mobility.models import Notification
from tests.background import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def queued(notification) -> list[DBTaskResult]:
    tasks = DBTaskResult.objects.filter(task_path="mobility.notifications.send_notification")
    return [
        task
        for task in tasks.order_by("enqueued_at")
        if task.args_kwargs["kwargs"]["notification_id"] == notification.pk
    ]


def test_a_decline_answers_at_once_while_the_mail_server_hangs(
    api, adviser, referral, database_tasks, hanging_smtp
):
    client = api(adviser)
    # A first call loads the URLs and the API (a process's start-up, not the decline's).
    assert client.get(f"/api/v1/referrals/{referral.pk}").status_code == 200
    started = time.monotonic()
    response = client.post(
        f"/api/v1/referrals/{referral.pk}/decline", {"reason": "Hors du territoire."}
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed < 1
    notification = Notification.objects.get(referral=referral, event="referral_declined")
    assert (notification.state, notification.attempts, notification.sent_at) == ("pending", 0, None)
    [task] = queued(notification)
    assert task.status == TaskResultStatus.READY
    # The queue holds ids only: no name, no message, nothing personal.
    assert task.args_kwargs == {
        "args": [],
        "kwargs": {"notification_id": notification.pk, "attempt": 1},
    }

    run_worker()  # the worker waits EMAIL_TIMEOUT (1 s here) on the silent server

    assert hanging_smtp.connected.is_set()
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("pending", 1)
    assert "timed out" in notification.send_error
    first, retry = queued(notification)
    assert first.status == TaskResultStatus.FAILED  # the task's own record of the error
    assert retry.status == TaskResultStatus.READY
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert timedelta(seconds=50) < retry.run_after - timezone.now() <= timedelta(minutes=1)
