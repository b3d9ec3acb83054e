from django.db import models
from django.utils.translation import gettext_lazy as _

from mobility.enums import Role

# Who runs the accompaniment: the catalogue, workshops, individual actions. Fleet staff and
# instructors do not, unless they also hold one of these roles on the platform.
ACTION_ROLES = frozenset({Role.ADMIN, Role.ADVISER})


class ActionKind(models.TextChoices):
    WORKSHOP = "workshop", _("atelier collectif")
    COACHING = "coaching", _("accompagnement individuel")
    TRANSPORT = "transport", _("transport solidaire")
    CARPOOL = "carpool", _("mise en relation covoiturage")
    ORIENTATION = "orientation", _("orientation vers un partenaire")
    FINANCIAL_AID = "financial_aid", _("aide financière")


# Kinds recorded one by one on a pathway; a workshop goes through its sessions.
INDIVIDUAL_KINDS = frozenset(ActionKind.values) - {ActionKind.WORKSHOP}


class OrientationOutcome(models.TextChoices):
    PENDING = "pending", _("en attente")
    DONE = "done", _("réalisée")
    REFUSED = "refused", _("refusée")
    ABANDONED = "abandoned", _("abandonnée")


class AidDecision(models.TextChoices):
    GRANTED = "granted", _("accordée")
    REFUSED = "refused", _("refusée")


class WorkshopAttendance(models.TextChoices):
    PRESENT = "present", _("présent·e")
    LATE = "late", _("en retard")
    EXCUSED = "excused", _("absence justifiée")
    UNEXCUSED = "unexcused", _("absence injustifiée")


# A workshop counts for the person when they came.
ATTENDED = frozenset({WorkshopAttendance.PRESENT, WorkshopAttendance.LATE})
