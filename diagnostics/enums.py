from django.db import models
from django.utils.translation import gettext_lazy as _


class DiagnosticKind(models.TextChoices):
    ENTRY = "entry", _("diagnostic d'entrée")
    FOLLOW_UP = "follow_up", _("diagnostic de suivi")
    EXIT = "exit", _("diagnostic de sortie")


class DiagnosticStatus(models.TextChoices):
    DRAFT = "draft", _("en cours de saisie")
    COMPLETED = "completed", _("terminé")
