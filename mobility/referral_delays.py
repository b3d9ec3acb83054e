"""A fiche de liaison left unanswered is not forgotten (the delays are each platform's
ReferralSettings; the rules are pure, in mobility.rules and mobility.working_days).

- Past `late_after_working_days` working days without an answer, a fiche is late: the
  inbox marks it, and each working day the advisers of its platform get one e-mail listing
  their platform's late fiches (the daily job `referral_reminders`).
- Past `expire_after_days` calendar days, the same job lets it expire: its referent is told
  (a notification, like every step of a fiche) and may send it again, which restarts both
  delays from that day.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mobility import notifications
from mobility.enums import CASEWORK_ROLES, NotificationEvent, ReferralStatus, Role
from mobility.errors import Conflict, Forbidden
from mobility.models import Membership, Platform, Referral, ReferralSettings, User
from mobility.rules import (
    can_transition,
    referral_due_on,
    referral_expiry_cutoff,
    referral_late_cutoff,
)
from mobility.working_days import is_working_day

logger = logging.getLogger(__name__)

DEFAULT_LATE_AFTER_WORKING_DAYS = 5
DEFAULT_EXPIRE_AFTER_DAYS = 30


def settings_for(platform_ids) -> dict[int, ReferralSettings]:
    """Each platform's delays, in one query; defaults (unsaved) for a platform that never
    set any."""
    found = {
        s.platform_id: s for s in ReferralSettings.objects.filter(platform_id__in=platform_ids)
    }
    return {
        platform_id: found.get(platform_id)
        or ReferralSettings(
            platform_id=platform_id,
            late_after_working_days=DEFAULT_LATE_AFTER_WORKING_DAYS,
            expire_after_days=DEFAULT_EXPIRE_AFTER_DAYS,
        )
        for platform_id in platform_ids
    }


def settings_create(*, platform: Platform) -> ReferralSettings:
    """A platform's delays at their defaults (the demo shows them in the admin)."""
    delays, _ = ReferralSettings.objects.get_or_create(
        platform=platform,
        defaults={
            "late_after_working_days": DEFAULT_LATE_AFTER_WORKING_DAYS,
            "expire_after_days": DEFAULT_EXPIRE_AFTER_DAYS,
        },
    )
    return delays


def late_cutoffs(
    platform_ids, *, today: date, delays: dict[int, ReferralSettings] | None = None
) -> dict[int, date]:
    """Per platform, the latest day a pending fiche may have arrived and be late today."""
    delays = delays if delays is not None else settings_for(platform_ids)
    return {
        platform_id: referral_late_cutoff(
            today=today, late_after_working_days=platform_delays.late_after_working_days
        )
        for platform_id, platform_delays in delays.items()
    }


def late_referrals(platform_ids, *, today: date):
    """The pending fiches of these platforms that are late today."""
    return Referral.objects.waiting_since_on_or_before(late_cutoffs(platform_ids, today=today))


def due_on(referral: Referral, delays: ReferralSettings) -> date:
    return referral_due_on(
        waiting_since=referral.waiting_since,
        late_after_working_days=delays.late_after_working_days,
    )


# ---- expiry and sending again


@transaction.atomic
def referral_expire(*, referral: Referral, today: date) -> bool:
    """Let one unanswered fiche expire and tell its referent; False if it was answered
    (or expired) meanwhile. Done by the daily job: no author."""
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    if referral.status != ReferralStatus.SUBMITTED:
        return False
    delays = settings_for([referral.platform_id])[referral.platform_id]
    referral.status = ReferralStatus.EXPIRED
    referral._history_user = None
    referral.save()
    notifications.notify_referent(
        referral=referral,
        event=NotificationEvent.REFERRAL_EXPIRED,
        by=None,
        context={
            "days": (today - referral.waiting_since).days,
            "expire_after_days": delays.expire_after_days,
        },
    )
    return True


def may_resend(user: User, referral: Referral) -> bool:
    """The prescriber's own people, or the platform's advisers and administrators."""
    return referral.prescriber_id in user.organisation_ids(
        {Role.PRESCRIBER}
    ) or referral.platform_id in user.platform_ids(CASEWORK_ROLES)


@transaction.atomic
def referral_resend(*, referral: Referral, by: User) -> Referral:
    """Send an expired fiche again: it waits for an answer anew, its delays restarting
    today; the referent gets the acknowledgement again."""
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    if not may_resend(by, referral):
        raise Forbidden("Seul·es la structure prescriptrice et la plateforme renvoient une fiche.")
    if not can_transition(referral.status, ReferralStatus.SUBMITTED):
        raise Conflict(
            f"Cette fiche de liaison est « {referral.get_status_display()} » : seule une "
            "fiche expirée se renvoie."
        )
    referral.status = ReferralStatus.SUBMITTED
    referral.resent_on = timezone.localdate()
    referral._history_user = by
    referral.save()
    notifications.notify_referent(
        referral=referral, event=NotificationEvent.REFERRAL_RECEIVED, by=by
    )
    return referral


# ---- the daily job


@dataclass(frozen=True)
class RemindersDone:
    expired: int
    late: int
    advisers: int


def advisers_to_remind(platform_ids) -> dict[int, list[str]]:
    """Per platform, the e-mail addresses of its active advisers."""
    rows = (
        Membership.objects.filter(
            platform_id__in=platform_ids,
            role=Role.ADVISER,
            user__is_active=True,
            platform__is_active=True,
        )
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("platform_id", "user__email")
    )
    addresses: dict[int, list[str]] = defaultdict(list)
    for platform_id, email in rows:
        if email not in addresses[platform_id]:
            addresses[platform_id].append(email)
    return addresses


def send_digests(*, today: date) -> tuple[int, int]:
    """E-mail each platform's advisers the list of its late fiches; (late fiches,
    advisers written to). A mail server that fails makes the job fail, recorded."""
    platform_ids = list(Platform.objects.filter(is_active=True).values_list("pk", flat=True))
    delays = settings_for(platform_ids)
    late = list(
        late_referrals(platform_ids, today=today)
        .select_related("prescriber", "platform")
        .order_by("platform_id", "waiting_since", "pk")
    )
    by_platform: dict[int, list[Referral]] = defaultdict(list)
    for referral in late:
        referral.due_on = due_on(referral, delays[referral.platform_id])
        referral.link = settings.SITE_URL + reverse("referral_detail", args=[referral.pk])
        by_platform[referral.platform_id].append(referral)
    recipients = advisers_to_remind(list(by_platform))
    written = 0
    for platform_id, referrals in by_platform.items():
        if not recipients.get(platform_id):
            continue
        context = {
            "platform": referrals[0].platform,
            "referrals": referrals,
            "late_after_working_days": delays[platform_id].late_after_working_days,
            "inbox": settings.SITE_URL + reverse("referral_list") + "?status=submitted&late=1",
        }
        subject = render_to_string("mobility/emails/late_referrals_subject.txt", context)
        body = render_to_string("mobility/emails/late_referrals.txt", context)
        for address in recipients[platform_id]:
            # One message per adviser: no one sees the others' addresses.
            EmailMessage(
                " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [address]
            ).send()
            written += 1
    return len(late), written


def referral_reminders(*, today: date) -> RemindersDone:
    """What the daily job does: expire the fiches past their platform's longer delay
    (one transaction each), then, on a working day, send the digests of the late ones."""
    platform_ids = list(Platform.objects.values_list("pk", flat=True))
    cutoffs = {
        platform_id: referral_expiry_cutoff(today=today, expire_after_days=delays.expire_after_days)
        for platform_id, delays in settings_for(platform_ids).items()
    }
    expired = 0
    for referral in Referral.objects.waiting_since_on_or_before(cutoffs).order_by("pk"):
        expired += referral_expire(referral=referral, today=today)
    late = advisers = 0
    if is_working_day(today):
        late, advisers = send_digests(today=today)
    return RemindersDone(expired=expired, late=late, advisers=advisers)
