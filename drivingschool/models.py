"""The auto-école sociale: programme, enrolments, lessons, attendance, exams, funding.

Every row carries its platform. The rules live in drivingschool.assiduity (pure) and the
writes in drivingschool.services; the constraints below are what must never happen,
whatever the channel.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from drivingschool.enums import (
    SCHOOL_ROLES,
    AttendanceStatus,
    EnrolmentStatus,
    ExamKind,
    LessonKind,
    TrancheKind,
    TrancheStatus,
)
from mobility.models import Organisation, Pathway, Platform, User


def default_suggested_hours() -> dict:
    """Hours suggested per orientation group of the diagnostic (docs/regles-metier.md).

    Group 1: practical evaluation and quote; group 2: the pre-training course first
    (17 h 30, five mornings); group 3 is absent: refer to a specialised partner.
    """
    return {
        "1": {"theory": 20, "driving": 30, "pre_training": 0},
        "2": {"theory": 30, "driving": 40, "pre_training": 17.5},
    }


class ProgrammeQuerySet(models.QuerySet):
    def for_user(self, user: User) -> ProgrammeQuerySet:
        return self.filter(platform_id__in=user.platform_ids(SCHOOL_ROLES))


class Programme(models.Model):
    """The platform's auto-école sociale and its numbers (all editable data)."""

    platform = models.OneToOneField(
        Platform,
        on_delete=models.PROTECT,
        related_name="driving_programme",
        verbose_name=_("plateforme"),
    )
    name = models.CharField(_("nom"), max_length=200, default="Auto-école sociale")
    hourly_rate = models.DecimalField(
        _("tarif horaire (EUR)"), max_digits=6, decimal_places=2, default=Decimal("6.00")
    )
    exclusion_threshold = models.PositiveSmallIntegerField(
        _("absences injustifiées avant proposition d'exclusion"), default=3
    )
    attendance_threshold = models.DecimalField(
        _("assiduité minimale pour la tranche 2"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        help_text=_("Entre 0 et 1 : 0,80 pour 80 %."),
    )
    excused_count_as_held = models.BooleanField(
        _("les absences justifiées comptent dans les heures dues"),
        default=True,
        help_text=_("Si oui, une absence justifiée fait baisser le taux d'assiduité."),
    )
    suggested_hours = models.JSONField(
        _("heures suggérées par groupe d'orientation"), default=default_suggested_hours
    )
    theory_departmental_pass_rate = models.DecimalField(
        _("taux de réussite départemental au code"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Entre 0 et 1, saisi par la plateforme."),
    )
    driving_departmental_pass_rate = models.DecimalField(
        _("taux de réussite départemental à la conduite"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Entre 0 et 1, saisi par la plateforme."),
    )
    history = HistoricalRecords()

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme d'auto-école sociale")
        verbose_name_plural = _("programmes d'auto-école sociale")
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate__gte=0), name="programme_hourly_rate_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(exclusion_threshold__gte=1),
                name="programme_exclusion_threshold_at_least_one",
            ),
            models.CheckConstraint(
                condition=Q(attendance_threshold__gte=0, attendance_threshold__lte=1),
                name="programme_attendance_threshold_0_1",
            ),
            models.CheckConstraint(
                condition=Q(theory_departmental_pass_rate__isnull=True)
                | Q(theory_departmental_pass_rate__gte=0, theory_departmental_pass_rate__lte=1),
                name="programme_theory_pass_rate_0_1",
            ),
            models.CheckConstraint(
                condition=Q(driving_departmental_pass_rate__isnull=True)
                | Q(driving_departmental_pass_rate__gte=0, driving_departmental_pass_rate__lte=1),
                name="programme_driving_pass_rate_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.platform}"

    def departmental_pass_rate(self, kind: str) -> Decimal | None:
        if kind == ExamKind.THEORY:
            return self.theory_departmental_pass_rate
        return self.driving_departmental_pass_rate


class EnrolmentQuerySet(models.QuerySet):
    def for_user(self, user: User) -> EnrolmentQuerySet:
        return self.filter(platform_id__in=user.platform_ids(SCHOOL_ROLES))

    def active(self) -> EnrolmentQuerySet:
        return self.filter(status=EnrolmentStatus.ACTIVE)


class Enrolment(models.Model):
    """A person's place in the auto-école sociale, from a pathway, with its quote."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("programme"),
    )
    pathway = models.ForeignKey(
        Pathway,
        on_delete=models.PROTECT,
        related_name="driving_enrolments",
        verbose_name=_("parcours"),
    )
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ACTIVE,
    )
    start_date = models.DateField(_("début de la formation"))
    theory_hours = models.DecimalField(_("heures de code"), max_digits=5, decimal_places=2)
    driving_hours = models.DecimalField(_("heures de conduite"), max_digits=5, decimal_places=2)
    # Group 2 of the orientation: hours of pré-formation to complete before the code stage
    # (tranche 1 waits for them); not in the quote.
    pre_training_hours = models.DecimalField(
        _("heures de pré-formation à suivre d'abord"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
    )
    hourly_rate = models.DecimalField(_("tarif horaire (EUR)"), max_digits=6, decimal_places=2)
    quote_total = models.DecimalField(_("montant du devis (EUR)"), max_digits=9, decimal_places=2)
    agreement_signed_on = models.DateField(_("contrat pédagogique signé le"), null=True, blank=True)
    excluded_at = models.DateTimeField(_("exclu·e le"), null=True, blank=True)
    excluded_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exclusion décidée par"),
    )
    exclusion_reason = models.TextField(_("motif de l'exclusion"), blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("inscrit·e par")
    )
    created_at = models.DateTimeField(_("inscrit·e le"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription à l'auto-école sociale")
        verbose_name_plural = _("inscriptions à l'auto-école sociale")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["platform", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway"],
                condition=Q(status=EnrolmentStatus.ACTIVE),
                name="enrolment_one_active_per_pathway",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EnrolmentStatus.values), name="enrolment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(theory_hours__gte=0, driving_hours__gte=0, hourly_rate__gte=0)
                & Q(quote_total__gte=0),
                name="enrolment_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(pre_training_hours__gte=0, pre_training_hours__lte=500),
                name="enrolment_pre_training_hours_0_to_500",
            ),
            models.CheckConstraint(
                condition=Q(
                    status=EnrolmentStatus.ACTIVE,
                    excluded_at__isnull=True,
                    excluded_by__isnull=True,
                    exclusion_reason="",
                )
                | (
                    Q(
                        status=EnrolmentStatus.EXCLUDED,
                        excluded_at__isnull=False,
                        excluded_by__isnull=False,
                    )
                    & ~Q(exclusion_reason="")
                ),
                name="enrolment_excluded_has_author_time_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Inscription n° {self.pk} — {self.pathway.beneficiary}"

    @property
    def beneficiary(self):
        return self.pathway.beneficiary

    @property
    def is_excluded(self) -> bool:
        return self.status == EnrolmentStatus.EXCLUDED


class FundingTrancheQuerySet(models.QuerySet):
    def for_user(self, user: User) -> FundingTrancheQuerySet:
        return self.filter(platform_id__in=user.platform_ids(SCHOOL_ROLES))


class FundingTranche(models.Model):
    """One of the two payments of an enrolment: theory first, then the driving lessons."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="tranches",
        verbose_name=_("inscription"),
    )
    kind = models.CharField(_("tranche"), max_length=20, choices=TrancheKind.choices)
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="driving_tranches",
        verbose_name=_("financeur"),
    )
    amount = models.DecimalField(_("montant (EUR)"), max_digits=9, decimal_places=2)
    status = models.CharField(
        _("statut"), max_length=20, choices=TrancheStatus.choices, default=TrancheStatus.PENDING
    )
    released_at = models.DateTimeField(_("débloquée le"), null=True, blank=True)
    released_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("débloquée par"),
    )
    override_reason = models.TextField(
        _("motif du déblocage forcé"),
        blank=True,
        help_text=_("Renseigné seulement quand un·e administrateur·rice force le déblocage."),
    )
    paid_on = models.DateField(_("versée le"), null=True, blank=True)
    paid_recorded_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("versement noté par"),
    )
    history = HistoricalRecords()

    objects = FundingTrancheQuerySet.as_manager()

    class Meta:
        verbose_name = _("tranche de financement")
        verbose_name_plural = _("tranches de financement")
        ordering = ["enrolment_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind"], name="tranche_one_per_kind_per_enrolment"
            ),
            models.CheckConstraint(condition=Q(kind__in=TrancheKind.values), name="tranche_kind"),
            models.CheckConstraint(
                condition=Q(status__in=TrancheStatus.values), name="tranche_status_valid"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="tranche_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(status=TrancheStatus.PENDING)
                | Q(released_at__isnull=False, released_by__isnull=False),
                name="tranche_released_has_author_and_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=TrancheStatus.PAID) | Q(paid_on__isnull=False),
                name="tranche_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — inscription n° {self.enrolment_id}"

    @property
    def overridden(self) -> bool:
        return bool(self.override_reason)


class LessonQuerySet(models.QuerySet):
    def for_user(self, user: User) -> LessonQuerySet:
        return self.filter(platform_id__in=user.platform_ids(SCHOOL_ROLES))

    def between(self, start, end) -> LessonQuerySet:
        return self.filter(start__gte=start, start__lt=end)

    def not_cancelled(self) -> LessonQuerySet:
        return self.filter(cancelled_at__isnull=True)


class Lesson(models.Model):
    """A lesson for one person or a group, and its attendance sheet."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    kind = models.CharField(_("type de séance"), max_length=20, choices=LessonKind.choices)
    start = models.DateTimeField(_("début"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))
    instructor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="driving_lessons",
        verbose_name=_("moniteur·rice"),
    )
    enrolments = models.ManyToManyField(
        Enrolment, related_name="lessons", verbose_name=_("participant·es")
    )
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    cancel_reason = models.TextField(_("motif de l'annulation"), blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("programmée par")
    )
    created_at = models.DateTimeField(_("programmée le"), default=timezone.now, editable=False)
    # Who is booked is history too: each change of `enrolments` adds a record with its author.
    history = HistoricalRecords(m2m_fields=[enrolments])

    objects = LessonQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["start", "pk"]
        # Covering the reports' reads (drivingschool/report.py): a platform's lessons of
        # a period without visiting rows scattered among the whole network's.
        indexes = [
            models.Index(
                fields=["platform", "start"],
                include=["duration_minutes", "cancelled_at"],
                name="lesson_platform_start_cover",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LessonKind.values), name="lesson_kind"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0, duration_minutes__lte=600),
                name="lesson_duration_1_to_600_minutes",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="lesson_cancelled_has_reason",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.start).strftime("%d/%m/%Y %H:%M")
        return f"{self.get_kind_display()} du {when}"

    @property
    def end(self):
        # A row from before lessons were kept within a year of today may end past year
        # 9999: it is then said to end on the last representable day, not crash the reads.
        try:
            return self.start + timedelta(minutes=self.duration_minutes)
        except OverflowError:
            return datetime.max.replace(tzinfo=UTC) - timedelta(days=1)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def has_started(self, now=None) -> bool:
        return self.start <= (now or timezone.now())


class AttendanceQuerySet(models.QuerySet):
    def for_user(self, user: User) -> AttendanceQuerySet:
        return self.filter(platform_id__in=user.platform_ids(SCHOOL_ROLES))


class Attendance(models.Model):
    """One line of a lesson's attendance sheet (émargement)."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    lesson = models.ForeignKey(
        Lesson, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("séance")
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("inscription"),
    )
    status = models.CharField(_("émargement"), max_length=20, choices=AttendanceStatus.choices)
    late_minutes = models.PositiveSmallIntegerField(_("retard (minutes)"), null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("noté par")
    )
    recorded_at = models.DateTimeField(_("noté le"), default=timezone.now)
    history = HistoricalRecords()

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("émargement")
        verbose_name_plural = _("émargements")
        ordering = ["lesson_id", "enrolment_id"]
        # The attendance aggregate of a report reads only these columns of a platform's rows:
        # an index-only scan, whatever the size of the network (bench/report_scales.py).
        indexes = [
            models.Index(
                fields=["platform", "lesson"],
                include=["enrolment", "status"],
                name="attendance_platform_cover",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "enrolment"], name="attendance_one_row_per_person_and_lesson"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status=AttendanceStatus.LATE) & Q(late_minutes__gt=0))
                | (~Q(status=AttendanceStatus.LATE) & Q(late_minutes__isnull=True)),
                name="attendance_late_needs_minutes",
            ),
            models.CheckConstraint(
                condition=~Q(status=AttendanceStatus.EXCUSED) | ~Q(reason=""),
                name="attendance_excused_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} — {self.lesson}"


class ExamAttemptQuerySet(models.QuerySet):
    def for_user(self, user: User) -> ExamAttemptQuerySet:
        return self.filter(platform_id__in=user.platform_ids(SCHOOL_ROLES))


class ExamAttempt(models.Model):
    """One sitting of the theory (ETG) or driving exam, with its result."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="exam_attempts",
        verbose_name=_("inscription"),
    )
    kind = models.CharField(_("examen"), max_length=20, choices=ExamKind.choices)
    date = models.DateField(_("date"))
    passed = models.BooleanField(_("réussi"))
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("noté par")
    )
    recorded_at = models.DateTimeField(_("noté le"), default=timezone.now)
    history = HistoricalRecords()

    objects = ExamAttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("passage d'examen")
        verbose_name_plural = _("passages d'examen")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ExamKind.values), name="exam_kind"),
            # One success per kind: a passed exam is not passed again.
            models.UniqueConstraint(
                fields=["enrolment", "kind"],
                condition=Q(passed=True),
                name="exam_one_success_per_kind",
            ),
        ]

    def __str__(self) -> str:
        result = _("réussi") if self.passed else _("non réussi")
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y} : {result}"
