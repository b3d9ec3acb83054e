from django.db import models
from django.utils.translation import gettext_lazy as _

from mobility.enums import Role

# Who runs the auto-école sociale day to day: lessons, attendance sheets, exams, enrolments.
SCHOOL_ROLES = frozenset({Role.ADMIN, Role.ADVISER, Role.INSTRUCTOR})
# Who decides about a person's place and money: exclusion, funding.
DECISION_ROLES = frozenset({Role.ADMIN, Role.ADVISER})


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("en formation")
    EXCLUDED = "excluded", _("exclu·e du programme")


class LessonKind(models.TextChoices):
    THEORY = "theory", _("séance de code")
    DRIVING = "driving", _("leçon de conduite")
    SIMULATOR = "simulator", _("séance sur simulateur")
    PRE_TRAINING = "pre_training", _("stage de pré-formation")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("présent·e")
    LATE = "late", _("en retard")
    EXCUSED = "excused", _("absence justifiée")
    UNEXCUSED = "unexcused", _("absence injustifiée")


class ExamKind(models.TextChoices):
    THEORY = "theory", _("examen du code (ETG)")
    DRIVING = "driving", _("examen de conduite")


class TrancheKind(models.TextChoices):
    """Two-stage funding: theory first, then the driving lessons."""

    THEORY = "theory", _("tranche 1 : code")
    PRACTICAL = "practical", _("tranche 2 : conduite")


class TrancheStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    RELEASED = "released", _("débloquée")
    PAID = "paid", _("versée")


class BlockingReason(models.TextChoices):
    """Why a funding tranche is not released yet (codes of the API, French for people)."""

    AGREEMENT_NOT_SIGNED = "agreement_not_signed", _("contrat pédagogique non signé")
    PRE_TRAINING_NOT_COMPLETED = (
        "pre_training_not_completed",
        _("heures de pré-formation pas encore toutes suivies"),
    )
    THEORY_NOT_PASSED = "theory_not_passed", _("examen du code pas encore réussi")
    ATTENDANCE_BELOW_THRESHOLD = (
        "attendance_below_threshold",
        _("assiduité au code inférieure au seuil du programme"),
    )
    EXCLUDED = "excluded", _("personne exclue du programme")
