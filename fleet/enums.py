"""Fleet enumerations: stable lower-case English codes, French labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from mobility.enums import Role


class VehicleKind(models.TextChoices):
    BIKE = "bike", _("vélo")
    EBIKE = "ebike", _("vélo à assistance électrique")
    SCOOTER = "scooter", _("scooter")
    CAR = "car", _("voiture")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("en attente")
    SENT = "sent", _("envoyé")
    FAILED = "failed", _("échec")


class VisitFrequency(models.TextChoices):
    WEEKLY = "weekly", _("chaque semaine")
    MONTHLY = "monthly", _("chaque mois")


class MicrocreditOutcome(models.TextChoices):
    """What came of the microcredit proposed at the grid's month (AMIE practice)."""

    PENDING = "pending", _("proposé, réponse attendue")
    ORIENTED = "oriented", _("orienté·e vers le partenaire du microcrédit")
    GRANTED = "granted", _("microcrédit accordé")
    REFUSED = "refused", _("refusé par le partenaire")
    DECLINED = "declined", _("décliné par la personne")


class VehicleStatus(models.TextChoices):
    AVAILABLE = "available", _("disponible")
    RENTED = "rented", _("en location")
    MAINTENANCE = "maintenance", _("en entretien")
    RETIRED = "retired", _("retiré du parc")


class RentalStatus(models.TextChoices):
    OPEN = "open", _("en cours")
    RETURNED = "returned", _("rendue")


class Condition(models.TextChoices):
    OK = "ok", _("bon état")
    WORN = "worn", _("usé")
    DAMAGED = "damaged", _("endommagé")


class ConditionItem(models.TextChoices):
    """The checklist of a point étape and of a return."""

    TYRES = "tyres", _("pneus")
    BRAKES = "brakes", _("freins")
    LIGHTS = "lights", _("éclairage")
    BODY = "body", _("carrosserie / cadre")
    CLEANLINESS = "cleanliness", _("propreté")
    ACCESSORIES = "accessories", _("accessoires (antivol, casque, gilet...)")


class PhotoMoment(models.TextChoices):
    """The step of a rental a photo of the vehicle was taken at."""

    HANDOVER = "handover", _("remise")
    CHECKIN = "checkin", _("point étape")
    RETURN = "return", _("retour")


# The API requires these; accessories are optional (a car may have none to check).
REQUIRED_CONDITION_ITEMS = (
    ConditionItem.TYRES,
    ConditionItem.BRAKES,
    ConditionItem.LIGHTS,
    ConditionItem.BODY,
    ConditionItem.CLEANLINESS,
)


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("espèces")
    CARD = "card", _("carte bancaire")
    TRANSFER = "transfer", _("virement")
    CHEQUE = "cheque", _("chèque")


class EntryKind(models.TextChoices):
    """A ledger row. Charges and damages are owed; payments and retained deposit settle;
    a refund gives back money paid beyond what was owed."""

    CHARGE = "charge", _("montant dû")
    PAYMENT = "payment", _("paiement")
    DEPOSIT_IN = "deposit_in", _("caution reçue")
    DEPOSIT_REFUND = "deposit_refund", _("caution rendue")
    DEPOSIT_RETAINED = "deposit_retained", _("caution retenue")
    DAMAGE = "damage", _("dommage")
    REFUND = "refund", _("remboursement")


class SituationCode(models.TextChoices):
    """What a reduction of a tariff grid may depend on (a fact of the beneficiary)."""

    RSA = "rsa", _("bénéficiaire du RSA")
    QPV = "qpv", _("habite un quartier prioritaire (QPV)")
    ASS = "ass", _("bénéficiaire de l'ASS")
    AAH = "aah", _("bénéficiaire de l'AAH")
    RQTH = "rqth", _("reconnaissance de travailleur handicapé (RQTH)")
    YOUTH = "youth", _("moins de 26 ans")


# Who runs the fleet: fleet staff, and advisers and admins of the platform.
FLEET_ROLES = frozenset({Role.ADMIN, Role.ADVISER, Role.FLEET})
# Who may hand over a vehicle despite a missing eligibility condition (with a reason).
OVERRIDE_ROLES = frozenset({Role.ADMIN, Role.ADVISER})
