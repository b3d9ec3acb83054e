"""Questionnaires (versioned data) and the diagnostics taken with them.

A questionnaire version holds its whole definition (dimensions, questions, weights,
orientation and recommendation rules) as one validated JSON document, read by the pure
diagnostics.scoring. Once published a version never changes: a diagnostic keeps the
version it was taken with, so its scores can always be recomputed and explained.
"""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from diagnostics import scoring
from diagnostics.enums import DiagnosticKind, DiagnosticStatus
from mobility.enums import STAFF_ROLES
from mobility.models import Pathway, Platform, User


class QuestionnaireQuerySet(models.QuerySet):
    def current(self) -> Questionnaire | None:
        return self.filter(is_current=True).first()

    def published(self) -> QuestionnaireQuerySet:
        return self.filter(published_at__isnull=False)


class Questionnaire(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("titre"), max_length=200)
    notes = models.TextField(_("notes de version"), blank=True)
    definition = models.JSONField(
        _("définition"),
        help_text=_(
            "Dimensions, questions, réponses pondérées (un poids plus élevé = une réponse "
            "plus mobile), règles d'orientation et de recommandation."
        ),
    )
    is_current = models.BooleanField(_("version en service"), default=False)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    history = HistoricalRecords()

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire de diagnostic")
        verbose_name_plural = _("questionnaires de diagnostic")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="questionnaire_one_current_version",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(published_at__isnull=False),
                name="questionnaire_current_is_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — version {self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @cached_property
    def parsed(self) -> scoring.Definition:
        return scoring.parse_definition(self.version, self.definition)

    def clean(self) -> None:
        try:
            scoring.parse_definition(self.version or 0, self.definition)
        except scoring.DefinitionError as error:
            raise ValidationError({"definition": error.problems}) from error


class DiagnosticQuerySet(models.QuerySet):
    def for_user(self, user: User) -> DiagnosticQuerySet:
        """The platform's staff (admin, adviser, fleet, instructor) read diagnostics."""
        return self.filter(platform_id__in=user.platform_ids(STAFF_ROLES))

    def completed(self) -> DiagnosticQuerySet:
        return self.filter(status=DiagnosticStatus.COMPLETED)

    def drafts(self) -> DiagnosticQuerySet:
        return self.filter(status=DiagnosticStatus.DRAFT)


class Diagnostic(models.Model):
    """A bilan de compétences mobilité taken on a pathway, with its stored result."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    pathway = models.ForeignKey(
        Pathway, on_delete=models.PROTECT, related_name="diagnostics", verbose_name=_("parcours")
    )
    kind = models.CharField(_("type"), max_length=20, choices=DiagnosticKind.choices)
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=DiagnosticStatus.choices,
        default=DiagnosticStatus.DRAFT,
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="diagnostics",
        verbose_name=_("version du questionnaire"),
    )
    taken_on = models.DateField(_("date de l'entretien"))
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    # The last screen (dimension index) the adviser saved, to resume a draft there.
    current_step = models.PositiveSmallIntegerField(_("étape en cours"), default=0)
    mobility_potential = models.PositiveSmallIntegerField(
        _("potentiel de mobilité"), null=True, blank=True
    )
    dimension_scores = models.JSONField(_("scores par dimension"), default=dict, blank=True)
    orientation_group = models.PositiveSmallIntegerField(
        _("groupe d'orientation permis"),
        null=True,
        blank=True,
        help_text=_("Vide pour une personne qui a déjà le permis B : sans objet."),
    )
    # What the fiche said of the licence when the diagnostic was completed: kept with the
    # answers, so the result (and its "sans objet") can always be recomputed.
    licence_held = models.BooleanField(_("permis B déjà obtenu (fiche)"), default=False)
    recommendations = models.JSONField(_("services recommandés"), default=list, blank=True)
    adviser = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("conseiller·ère")
    )
    created_at = models.DateTimeField(_("commencé le"), default=timezone.now, editable=False)
    completed_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    history = HistoricalRecords()

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnostic mobilité")
        verbose_name_plural = _("diagnostics mobilité")
        ordering = ["taken_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "kind"],
                condition=Q(kind__in=[DiagnosticKind.ENTRY, DiagnosticKind.EXIT]),
                name="diagnostic_one_entry_and_one_exit_per_pathway",
            ),
            models.UniqueConstraint(
                fields=["pathway"],
                condition=Q(status=DiagnosticStatus.DRAFT),
                name="diagnostic_one_draft_per_pathway",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DiagnosticKind.values), name="diagnostic_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DiagnosticStatus.values), name="diagnostic_status_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status=DiagnosticStatus.DRAFT,
                        mobility_potential__isnull=True,
                        orientation_group__isnull=True,
                        completed_at__isnull=True,
                    )
                    | Q(
                        status=DiagnosticStatus.COMPLETED,
                        mobility_potential__isnull=False,
                        completed_at__isnull=False,
                    )
                ),
                name="diagnostic_completed_iff_scored",
            ),
            models.CheckConstraint(
                condition=Q(mobility_potential__isnull=True) | Q(mobility_potential__lte=100),
                name="diagnostic_potential_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(orientation_group__isnull=True) | Q(orientation_group__in=[1, 2, 3]),
                name="diagnostic_orientation_group_1_2_or_3",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display().capitalize()} n° {self.pk} — parcours n° {self.pathway_id}"
        )

    @property
    def is_completed(self) -> bool:
        return self.status == DiagnosticStatus.COMPLETED

    def result(self) -> scoring.Result:
        """Recompute the result from the stored answers and version (explanation included)."""
        return scoring.score(
            self.questionnaire.parsed, self.answers, holds_licence=self.licence_held
        )
