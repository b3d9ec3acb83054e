"""What the referent is told at each step of a referral, recorded then emailed.

The Notification row is written inside the caller's transaction (so it exists exactly
when the step does); the email leaves only once that transaction has committed.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
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
}


def notify_referent(*, referral: Referral, event: str, by: User | None) -> Notification:
    context = {
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
    transaction.on_commit(lambda: send_notification(notification.pk))
    return notification


def send_notification(notification_id: int) -> None:
    """Send one recorded notification; a failure is kept on the row for a retry."""
    notification = Notification.objects.get(pk=notification_id)
    try:
        send_mail(
            notification.subject,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient],
        )
    except OSError as error:  # SMTP down or refused: the trail shows it, staff can resend
        logger.exception("Notification %s not sent", notification_id)
        Notification.objects.filter(pk=notification_id).update(send_error=str(error))
        return
    Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), send_error="")
