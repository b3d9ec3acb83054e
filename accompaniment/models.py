"""Accompaniment actions: the platform's catalogue, collective workshop sessions with their
registrations and attendance, and the individual actions recorded on a pathway.

Every row carries its platform. The rules live in accompaniment.rules (pure) and the
writes in accompaniment.services; the constraints below are what must never happen,
whatever the channel.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accompaniment.enums import (
    ACTION_ROLES,
    ActionKind,
    AidDecision,
    OrientationOutcome,
    WorkshopAttendance,
)
from mobility.models import Organisation, Pathway, Platform, User

MAX_SESSION_MINUTES = 600
MAX_CAPACITY = 200


class ActionTypeQuerySet(models.QuerySet):
    def for_user(self, user: User) -> ActionTypeQuerySet:
        return self.filter(platform_id__in=user.platform_ids(ACTION_ROLES))

    def active(self) -> ActionTypeQuerySet:
        return self.filter(archived_at__isnull=True)


class ActionType(models.Model):
    """One entry of the platform's catalogue: what it does and which recommendations of the
    diagnostic it answers (codes of the questionnaire's services)."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    code = models.SlugField(_("code"), max_length=50)
    kind = models.CharField(_("nature"), max_length=20, choices=ActionKind.choices)
    label = models.CharField(_("libellé"), max_length=200)
    answers = models.JSONField(_("recommandations auxquelles elle répond"), default=list)
    archived_at = models.DateTimeField(_("archivée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = ActionTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("type d'action")
        verbose_name_plural = _("catalogue des actions")
        ordering = ["kind", "label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "code"], name="action_type_code_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=ActionKind.values), name="action_type_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(label=""), name="action_type_label_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label


class WorkshopSessionQuerySet(models.QuerySet):
    def for_user(self, user: User) -> WorkshopSessionQuerySet:
        return self.filter(platform_id__in=user.platform_ids(ACTION_ROLES))

    def between(self, start, end) -> WorkshopSessionQuerySet:
        return self.filter(start__gte=start, start__lt=end)


class WorkshopSession(models.Model):
    """One session of a collective workshop, with its places and its attendance sheet."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    action_type = models.ForeignKey(
        ActionType,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("atelier"),
    )
    start = models.DateTimeField(_("début"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))
    place = models.CharField(_("lieu"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("places"))
    facilitator = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("animé par"),
    )
    # Who pays for the session (a funder organisation of the platform), for the funder's
    # audit of the signed attendance sheets (mobility/attendance_audit.py); optional: a
    # session paid from the platform's own budget names nobody.
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded_workshop_sessions",
        verbose_name=_("financeur"),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("programmée par")
    )
    created_at = models.DateTimeField(_("programmée le"), default=timezone.now, editable=False)
    # A cancelled session stays (its history and its registrations with it), refusing any
    # new registration and any attendance.
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    cancel_reason = models.TextField(_("motif de l'annulation"), blank=True)
    history = HistoricalRecords()

    objects = WorkshopSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance d'atelier")
        verbose_name_plural = _("séances d'atelier")
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["platform", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0, duration_minutes__lte=MAX_SESSION_MINUTES),
                name="workshop_session_duration_1_to_600_minutes",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gt=0, capacity__lte=MAX_CAPACITY),
                name="workshop_session_capacity_1_to_200",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="workshop_session_cancelled_has_reason",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.start).strftime("%d/%m/%Y %H:%M")
        return f"{self.action_type} du {when}"

    @property
    def end(self):
        return self.start + timedelta(minutes=self.duration_minutes)

    def has_started(self, now=None) -> bool:
        return self.start <= (now or timezone.now())

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class WorkshopRegistrationQuerySet(models.QuerySet):
    def for_user(self, user: User) -> WorkshopRegistrationQuerySet:
        return self.filter(platform_id__in=user.platform_ids(ACTION_ROLES))

    def attended(self) -> WorkshopRegistrationQuerySet:
        return self.filter(attendance__in=[WorkshopAttendance.PRESENT, WorkshopAttendance.LATE])


class WorkshopRegistration(models.Model):
    """A person registered to a session from their pathway, and their line of its sheet."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    session = models.ForeignKey(
        WorkshopSession,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("séance"),
    )
    pathway = models.ForeignKey(
        Pathway,
        on_delete=models.PROTECT,
        related_name="workshop_registrations",
        verbose_name=_("parcours"),
    )
    registered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("inscrit·e par")
    )
    registered_at = models.DateTimeField(_("inscrit·e le"), default=timezone.now)
    attendance = models.CharField(
        _("émargement"), max_length=20, choices=WorkshopAttendance.choices, blank=True
    )
    reason = models.TextField(_("motif"), blank=True)
    recorded_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("émargement noté par"),
    )
    recorded_at = models.DateTimeField(_("émargement noté le"), null=True, blank=True)
    history = HistoricalRecords()

    objects = WorkshopRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription à un atelier")
        verbose_name_plural = _("inscriptions aux ateliers")
        ordering = ["session_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "pathway"], name="workshop_registration_once_per_session"
            ),
            models.CheckConstraint(
                condition=Q(attendance="") | Q(attendance__in=WorkshopAttendance.values),
                name="workshop_registration_attendance_valid",
            ),
            models.CheckConstraint(
                condition=~Q(attendance=WorkshopAttendance.EXCUSED) | ~Q(reason=""),
                name="workshop_registration_excused_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(attendance="", recorded_at__isnull=True)
                | (~Q(attendance="") & Q(recorded_at__isnull=False, recorded_by__isnull=False)),
                name="workshop_registration_attendance_has_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pathway.beneficiary} — {self.session}"


class ActionQuerySet(models.QuerySet):
    def for_user(self, user: User) -> ActionQuerySet:
        return self.filter(platform_id__in=user.platform_ids(ACTION_ROLES))


# What each kind needs, and what no other kind may carry: the database refuses the rest.
_ORIENTATION = Q(kind=ActionKind.ORIENTATION)
_AID = Q(kind=ActionKind.FINANCIAL_AID)


class Action(models.Model):
    """An individual action on a pathway: coaching, transport, carpool, orientation, aid."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    pathway = models.ForeignKey(
        Pathway, on_delete=models.PROTECT, related_name="actions", verbose_name=_("parcours")
    )
    action_type = models.ForeignKey(
        ActionType, on_delete=models.PROTECT, related_name="actions", verbose_name=_("action")
    )
    # Copied from the type (whose kind never changes), so that the constraints can read it.
    kind = models.CharField(_("nature"), max_length=20, choices=ActionKind.choices)
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), null=True, blank=True)
    trips = models.PositiveSmallIntegerField(_("trajets"), null=True, blank=True)
    km = models.DecimalField(_("km"), max_digits=7, decimal_places=1, null=True, blank=True)
    partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="oriented_actions",
        verbose_name=_("partenaire"),
    )
    outcome = models.CharField(
        _("suite donnée"), max_length=20, choices=OrientationOutcome.choices, blank=True
    )
    amount = models.DecimalField(
        _("montant (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded_aids",
        verbose_name=_("financeur"),
    )
    decision = models.CharField(
        _("décision"), max_length=20, choices=AidDecision.choices, blank=True
    )
    paid_on = models.DateField(_("versée le"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("noté par")
    )
    created_at = models.DateTimeField(_("noté le"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action individuelle")
        verbose_name_plural = _("actions individuelles")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["platform", "kind", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ActionKind.values) & ~Q(kind=ActionKind.WORKSHOP),
                name="action_kind_individual",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ActionKind.COACHING) | Q(duration_minutes__isnull=False),
                name="action_coaching_has_duration",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True)
                | Q(duration_minutes__gt=0, duration_minutes__lte=MAX_SESSION_MINUTES),
                name="action_duration_1_to_600_minutes",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ActionKind.TRANSPORT) | Q(trips__isnull=False, trips__gt=0),
                name="action_transport_has_trips",
            ),
            models.CheckConstraint(
                condition=Q(km__isnull=True) | Q(km__gte=0), name="action_km_not_negative"
            ),
            models.CheckConstraint(
                condition=(_ORIENTATION & Q(partner__isnull=False) & ~Q(outcome=""))
                | (~_ORIENTATION & Q(partner__isnull=True, outcome="")),
                name="action_orientation_has_partner_and_outcome",
            ),
            models.CheckConstraint(
                condition=(_AID & Q(amount__isnull=False, amount__gt=0) & ~Q(decision=""))
                | (~_AID & Q(amount__isnull=True, funder__isnull=True, decision="")),
                name="action_aid_has_amount_and_decision",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(decision=AidDecision.GRANTED),
                name="action_only_a_granted_aid_is_paid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action_type} du {self.date:%d/%m/%Y}"

    @property
    def is_final(self) -> bool:
        """An orientation whose outcome is known."""
        return self.kind == ActionKind.ORIENTATION and self.outcome != OrientationOutcome.PENDING
