"""What the referent is told at each step of a referral, recorded then emailed.

The Notification row is written inside the caller's transaction (so it exists exactly
when the step does); the email leaves only once that transaction has committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mobility.models import Notification, Referral, User

logger = logging.getLogger(__name__)

SUBJECTS = {
    "referral_received": "Fiche de liaison n° {pk} bien reçue",
    "referral_accepted": "Fiche de liaison n° {pk} acceptée : le parcours mobilité commence",
    "referral_declined": "Fiche de liaison n° {pk} : la plateforme ne peut pas y donner suite",
    "pathway_closed": "Fiche de liaison n° {pk} : sortie du parcours mobilité",
    "diagnostic_result": "Fiche de liaison n° {pk} : résultat du diagnostic mobilité",
    "service_started": "Fiche de liaison n° {pk} : un service de mobilité démarre",
    "absence_unexcused": "Fiche de liaison n° {pk} : absence injustifiée",
}

# (file name, content, MIME type) of the files an email carries.
Attachment = tuple[str, bytes, str]


def notify_referent(
    *,
    referral: Referral,
    event: str,
    by: User | None,
    context: dict | None = None,
    attachments: Callable[[], list[Attachment]] | None = None,
) -> Notification:
    """Record what the referent is told; email it once the transaction commits.

    `context` adds to the email template's context; `attachments` is called when the
    email leaves (after the commit), so a slow attachment never holds a transaction.
    """
    context = {
        **(context or {}),
        "referral": referral,
        "person": f"{referral.first_name} {referral.last_name[:1].upper()}.",
        "platform": referral.platform,
        "pathway": referral.pathway,
        "link": settings.SITE_URL + reverse("referral_detail", args=[referral.pk]),
    }
    notification = Notification.objects.create(
        platform_id=referral.platform_id,
        referral=referral,
        event=event,
        recipient=referral.referent_email,
        subject=SUBJECTS[event].format(pk=referral.pk),
        body=render_to_string(f"mobility/emails/{event}.txt", context),
        created_by=by,
    )
    transaction.on_commit(lambda: send_notification(notification.pk, attachments=attachments))
    return notification


def send_notification(
    notification_id: int, *, attachments: Callable[[], list[Attachment]] | None = None
) -> None:
    """Send one recorded notification; a failure is kept on the row for a retry."""
    notification = Notification.objects.get(pk=notification_id)
    message = EmailMessage(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient],
    )
    try:
        for attachment in attachments() if attachments else []:
            message.attach(*attachment)
    except Exception as error:  # an attachment that cannot be built must not break the page
        logger.exception("Attachment of notification %s not built", notification_id)
        Notification.objects.filter(pk=notification_id).update(send_error=str(error))
        return
    try:
        message.send()
    except OSError as error:  # SMTP down or refused: the trail shows it, staff can resend
        logger.exception("Notification %s not sent", notification_id)
        Notification.objects.filter(pk=notification_id).update(send_error=str(error))
        return
    Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), send_error="")
