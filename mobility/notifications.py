"""What the referent is told at each step of a referral, recorded then emailed by a task.

The Notification row is written inside the caller's transaction (so it exists exactly
when the step does). Once that transaction commits, a background task
(`send_notification`, run by `manage.py db_worker`) tries to send it: a request never
waits on the mail server. A failed try is retried after NOTIFICATION_RETRY_DELAYS, then
the notification is left in "échec" with the error, for staff to resend.

The row, not the task queue, is the source of truth. Each task carries the number of the
try it is meant to make; a try is claimed by moving `attempts` from n - 1 to n, so a task
enqueued twice (a resend, the daily retry, a scheduled retry) sends once, and a try cut
short by a killed worker leaves the notification pending for the daily retry job.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from mobility import rules
from mobility.enums import NotificationAttachment, NotificationState
from mobility.models import Notification, Referral, User

logger = logging.getLogger(__name__)

SUBJECTS = {
    "referral_received": "Fiche de liaison n° {pk} bien reçue",
    "referral_accepted": "Fiche de liaison n° {pk} acceptée : le parcours mobilité commence",
    "referral_declined": "Fiche de liaison n° {pk} : la plateforme ne peut pas y donner suite",
    "referral_expired": "Fiche de liaison n° {pk} : sans réponse, elle a expiré",
    "pathway_closed": "Fiche de liaison n° {pk} : sortie du parcours mobilité",
    "diagnostic_result": "Fiche de liaison n° {pk} : résultat du diagnostic mobilité",
    "service_started": "Fiche de liaison n° {pk} : un service de mobilité démarre",
    "absence_unexcused": "Fiche de liaison n° {pk} : absence injustifiée",
    "workshop_registered": "Fiche de liaison n° {pk} : inscription à un atelier",
    "workshop_absence": "Fiche de liaison n° {pk} : absence injustifiée à un atelier",
    "workshop_cancelled": "Fiche de liaison n° {pk} : séance d'atelier annulée",
    "orientation_sent": "Fiche de liaison n° {pk} : orientation vers un partenaire",
    "orientation_outcome": "Fiche de liaison n° {pk} : suite de l'orientation",
    "aid_decided": "Fiche de liaison n° {pk} : décision sur une aide financière",
    "driving_exclusion": "Fiche de liaison n° {pk} : exclusion de l'auto-école sociale",
    "driving_exam_result": "Fiche de liaison n° {pk} : résultat d'examen du permis",
    "driving_tranche_released": "Fiche de liaison n° {pk} : financement du permis débloqué",
    "rental_ended": "Fiche de liaison n° {pk} : fin de la location du véhicule",
    "microcredit_proposed": "Fiche de liaison n° {pk} : un microcrédit est proposé",
    "fleet_alert": "Fiche de liaison n° {pk} : alerte sur la location du véhicule",
}

# (file name, content, MIME type) of the files an email carries.
Attachment = tuple[str, bytes, str]

# How each kind of attachment is built from its object id when the email leaves. Imported
# by name then, so WeasyPrint loads only in the process that sends a PDF.
ATTACHMENT_BUILDERS = {
    NotificationAttachment.DIAGNOSTIC_SUMMARY: "diagnostics.pdf.summary_attachment",
}


def notify_referent(
    *,
    referral: Referral,
    event: str,
    by: User | None,
    context: dict | None = None,
    attachment: NotificationAttachment | None = None,
    attachment_object_id: int | None = None,
) -> Notification:
    """Record what the referent is told; a task emails it once the transaction commits.

    `context` adds to the email template's context; `attachment` names a file built from
    `attachment_object_id` when the email leaves (ATTACHMENT_BUILDERS).
    """
    (notification,) = notify_referents(
        [(referral, context)],
        event=event,
        by=by,
        attachment=attachment,
        attachment_object_id=attachment_object_id,
    )
    return notification


def notify_referents(
    items: list[tuple[Referral, dict | None]],
    *,
    event: str,
    by: User | None,
    attachment: NotificationAttachment | None = None,
    attachment_object_id: int | None = None,
    recipient: str | None = None,
) -> list[Notification]:
    """notify_referent for many referrals in one INSERT (an attendance sheet's absentees).

    Each referral comes with its `platform` and `pathway` (select_related). `recipient`
    sends the same notice to another address (a staff member's copy, whose name the
    context gives as `recipient_name`) instead of the referent's.
    """
    notifications = []
    for referral, extra in items:
        context = {
            **(extra or {}),
            "referral": referral,
            "person": f"{referral.first_name} {referral.last_name[:1].upper()}.",
            "platform": referral.platform,
            "pathway": referral.pathway,
            "link": settings.SITE_URL + reverse("referral_detail", args=[referral.pk]),
        }
        notifications.append(
            Notification(
                platform_id=referral.platform_id,
                referral=referral,
                event=event,
                recipient=recipient or referral.referent_email,
                subject=SUBJECTS[event].format(pk=referral.pk),
                body=render_to_string(f"mobility/emails/{event}.txt", context),
                created_by=by,
                attachment=attachment or "",
                attachment_object_id=attachment_object_id,
            )
        )
    if not notifications:
        return []
    notifications = Notification.objects.bulk_create(notifications)
    for notification in notifications:
        enqueue_on_commit(notification.pk, attempt=1)
    return notifications


def enqueue_on_commit(
    notification_id: int, *, attempt: int, run_after: datetime | None = None
) -> None:
    """Hand try number `attempt` to the task queue once the current transaction commits.

    Robust: the step is committed by then, so a queue that cannot take the task is logged
    (by Django) rather than turned into an error page; the notification stays pending and
    the daily retry job enqueues it.
    """

    def enqueue_notification() -> None:  # named: Django logs a failed robust callback by name
        _enqueue(notification_id=notification_id, attempt=attempt, run_after=run_after)

    transaction.on_commit(enqueue_notification, robust=True)


def _enqueue(*, notification_id: int, attempt: int, run_after: datetime | None) -> None:
    task_to_run = send_notification
    if run_after is not None:
        if not task_to_run.get_backend().supports_defer:
            # The immediate backend (development, tests) cannot wait: the daily retry job
            # will find the notification pending.
            logger.info("Try %s of notification %s left to the retry job", attempt, notification_id)
            return
        task_to_run = task_to_run.using(run_after=run_after)
    task_to_run.enqueue(notification_id=notification_id, attempt=attempt)


@task()
def send_notification(notification_id: int, attempt: int) -> str:
    """Try number `attempt` at sending a recorded notification (run by the task worker)."""
    claimed = Notification.objects.filter(
        pk=notification_id, state=NotificationState.PENDING, attempts=attempt - 1
    ).update(attempts=attempt, last_attempt_at=timezone.now())
    if not claimed:  # sent, or this try already made by a task enqueued twice
        logger.info("Notification %s: try %s already made, nothing to do", notification_id, attempt)
        return "already_done"
    notification = Notification.objects.get(pk=notification_id)
    try:
        _message(notification).send()
    except Exception as error:
        # Kept on the row for the trail and for staff, then raised for the task's own record.
        _record_failure(notification, attempt=attempt, error=error)
        raise
    Notification.objects.filter(pk=notification_id).update(
        state=NotificationState.SENT, sent_at=timezone.now(), send_error=""
    )
    return "sent"


def _message(notification: Notification) -> EmailMessage:
    message = EmailMessage(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient],
    )
    if notification.attachment:
        build = import_string(ATTACHMENT_BUILDERS[notification.attachment])
        message.attach(*build(notification.attachment_object_id))
    return message


def _describe(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return f"Le serveur de courriel n'a pas répondu à temps ({str(error) or 'timed out'})."
    return str(error) or type(error).__name__


@transaction.atomic
def _record_failure(notification: Notification, *, attempt: int, error: Exception) -> None:
    delay = rules.notification_retry_delay(
        attempts=attempt, delays=settings.NOTIFICATION_RETRY_DELAYS
    )
    changes = {"send_error": _describe(error)}
    if delay is None:
        changes["state"] = NotificationState.FAILED
    updated = Notification.objects.filter(
        pk=notification.pk, state=NotificationState.PENDING, attempts=attempt
    ).update(**changes)
    if not updated:  # resent meanwhile: that new try decides
        return
    if delay is None:
        logger.warning(
            "Notification %s not sent after %s tries, left in failure", notification.pk, attempt
        )
        return
    run_after = timezone.now() + delay
    logger.warning(
        "Notification %s: try %s failed, next try at %s",
        notification.pk,
        attempt,
        run_after.isoformat(),
    )
    enqueue_on_commit(notification.pk, attempt=attempt + 1, run_after=run_after)


def requeue_stuck(*, now: datetime) -> int:
    """Enqueue a new try for each pending notification whose task was lost; their count.

    A duplicate of a task still queued is harmless: the try is claimed once.
    """
    stuck = list(Notification.objects.stuck(now=now).order_by("pk").values_list("pk", "attempts"))
    for pk, attempts in stuck:
        enqueue_on_commit(pk, attempt=attempts + 1)
    return len(stuck)
