"""E-mails to referents leave through the task queue after the commit, are retried with
backoff, and end in "échec" with the error: through the real database backend and worker."""

from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mobility import notifications, services
from mobility.models import Notification
from tests.background import run_worker
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db(transaction=True)

SEND = "mobility.notifications.send_notification"


def queued(notification) -> list[DBTaskResult]:
    return [
        result
        for result in DBTaskResult.objects.filter(task_path=SEND).order_by("enqueued_at")
        if result.args_kwargs["kwargs"]["notification_id"] == notification.pk
    ]


@pytest.fixture
def referral(prescriber_org):
    return ReferralFactory(prescriber=prescriber_org)


def test_the_worker_sends_a_recorded_notification_after_the_commit(
    adviser, referral, database_tasks
):
    services.referral_accept(referral=referral, by=adviser)
    notification = Notification.objects.get(event="referral_accepted")
    assert notification.state == "pending"
    assert mail.outbox == []

    run_worker()

    notification.refresh_from_db()
    assert notification.state == "sent"
    assert notification.sent_at is not None
    assert notification.attempts == 1
    assert [message.subject for message in mail.outbox] == [notification.subject]


def test_a_failing_send_is_retried_after_1_5_and_30_minutes_then_left_in_failure(
    adviser, referral, database_tasks
):
    services.referral_decline(referral=referral, by=adviser, reason="Hors du territoire.")
    notification = Notification.objects.get(event="referral_declined")

    delays = []
    with mock.patch(
        "django.core.mail.EmailMessage.send", side_effect=SMTPException("relais injoignable")
    ):
        for _ in range(4):
            run_worker()
            waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
            if waiting:
                [retry] = waiting
                delays.append(round((retry.run_after - timezone.now()).total_seconds() / 60))
                # Time passes: the retry is due.
                DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())

    assert delays == [1, 5, 30]
    notification.refresh_from_db()
    assert notification.state == "failed"
    assert notification.attempts == 4
    assert notification.send_error == "relais injoignable"
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


def test_a_try_enqueued_twice_sends_one_email(adviser, referral, database_tasks):
    services.referral_accept(referral=referral, by=adviser)
    notification = Notification.objects.get(event="referral_accepted")
    notifications.send_notification.enqueue(notification_id=notification.pk, attempt=1)

    run_worker()

    assert len(mail.outbox) == 1
    assert sorted(r.return_value for r in queued(notification)) == ["already_done", "sent"]


def test_the_diagnostic_pdf_is_built_when_the_email_leaves(
    adviser, referral, database_tasks, monkeypatch
):
    accepted = services.referral_accept(referral=referral, by=adviser)
    built = []
    monkeypatch.setattr(
        "diagnostics.pdf.summary_attachment",
        lambda pk: built.append(pk) or ("synthese.pdf", b"%PDF-1.7", "application/pdf"),
    )
    notification = notifications.notify_referent(
        referral=accepted,
        event="referral_accepted",
        by=adviser,
        attachment="diagnostic_summary",
        attachment_object_id=1234,
    )
    assert built == []  # nothing built, nothing stored, while the page answers

    run_worker()

    assert built == [1234]
    notification.refresh_from_db()
    assert notification.state == "sent"
    message = mail.outbox[-1]
    assert message.subject == notification.subject
    assert message.attachments == [("synthese.pdf", b"%PDF-1.7", "application/pdf")]


def test_a_step_whose_email_cannot_be_queued_still_succeeds_and_its_notification_waits(
    adviser, referral, database_tasks
):
    with mock.patch(
        "django_tasks_db.backend.DatabaseBackend.enqueue",
        side_effect=OperationalError("file d'attente indisponible"),
    ):
        services.referral_accept(referral=referral, by=adviser)

    notification = Notification.objects.get(event="referral_accepted")
    assert (notification.state, notification.attempts) == ("pending", 0)
    assert not DBTaskResult.objects.exists()  # the daily retry job will enqueue it
