from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    PRESCRIBER = "prescriber", _("structure prescriptrice")
    FUNDER = "funder", _("financeur")
    PARTNER = "partner", _("partenaire")


class Role(models.TextChoices):
    ADMIN = "admin", _("administrateur·rice de la plateforme")
    ADVISER = "adviser", _("conseiller·ère mobilité")
    FLEET = "fleet", _("agent·e de flotte")
    INSTRUCTOR = "instructor", _("moniteur·rice d'auto-école")
    PRESCRIBER = "prescriber", _("prescripteur·rice")
    FUNDER = "funder", _("financeur")


# Roles of the platform's own staff: they may see the people the platform follows.
STAFF_ROLES = frozenset({Role.ADMIN, Role.ADVISER, Role.FLEET, Role.INSTRUCTOR})
# Roles that handle referrals and pathways (accept, decline, close).
CASEWORK_ROLES = frozenset({Role.ADMIN, Role.ADVISER})
# Roles bound to one organisation of the platform.
ORGANISATION_ROLES = frozenset({Role.PRESCRIBER, Role.FUNDER})
# Every role has API operations of its own (a prescriber's system sends fiches, a fleet
# tablet records check-ins, a funder's tool downloads reports): all may hold API tokens.
API_TOKEN_ROLES = frozenset(Role)


class ApiTokenState(models.TextChoices):
    ACTIVE = "active", _("actif")
    EXPIRED = "expired", _("expiré")
    REVOKED = "revoked", _("révoqué")


class Sex(models.TextChoices):
    FEMALE = "f", _("femme")
    MALE = "m", _("homme")
    OTHER = "x", _("autre / non précisé")


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", _("reçue")
    ACCEPTED = "accepted", _("acceptée")
    DECLINED = "declined", _("refusée")
    CLOSED = "closed", _("clôturée")
    # Left unanswered past the platform's delay: the referent is told and may send it again.
    EXPIRED = "expired", _("expirée")


class JobKind(models.TextChoices):
    JOB = "job", _("emploi")
    TRAINING = "training", _("formation")
    SEARCH = "search", _("recherche d'emploi")


class Contract(models.TextChoices):
    CDI = "cdi", _("CDI")
    CDD = "cdd", _("CDD")
    INTERIM = "interim", _("intérim")
    CONTRAT_AIDE = "contrat_aide", _("contrat aidé")
    FORMATION = "formation", _("formation")
    CREATION = "creation", _("création d'entreprise")


class Outcome(models.TextChoices):
    CDI = "cdi", _("CDI")
    CDD = "cdd", _("CDD")
    INTERIM = "interim", _("intérim")
    CONTRAT_AIDE = "contrat_aide", _("contrat aidé")
    FORMATION = "formation", _("formation")
    CREATION = "creation", _("création d'entreprise")
    NONE = "none", _("sans solution d'emploi ou de formation")


class Need(models.TextChoices):
    """Help a prescriber may request on a fiche de liaison."""

    DIAGNOSTIC = "diagnostic", _("diagnostic mobilité")
    COACHING = "coaching", _("accompagnement individuel")
    WORKSHOP = "workshop", _("ateliers collectifs (se repérer, transports)")
    BIKE_SCHOOL = "bike_school", _("vélo-école")
    RENTAL_BIKE = "rental_bike", _("location de vélo")
    RENTAL_EBIKE = "rental_ebike", _("location de vélo à assistance électrique")
    RENTAL_SCOOTER = "rental_scooter", _("location de scooter")
    RENTAL_CAR = "rental_car", _("location de voiture")
    DRIVING_SCHOOL = "driving_school", _("auto-école sociale")
    MICROCREDIT = "microcredit", _("microcrédit pour un véhicule")
    REPAIR = "repair", _("réparation de véhicule")


class PathwayStatus(models.TextChoices):
    OPEN = "open", _("en cours")
    CLOSED = "closed", _("clôturé")


class NotificationEvent(models.TextChoices):
    REFERRAL_RECEIVED = "referral_received", _("fiche de liaison reçue")
    REFERRAL_ACCEPTED = "referral_accepted", _("fiche de liaison acceptée")
    REFERRAL_DECLINED = "referral_declined", _("fiche de liaison refusée")
    REFERRAL_EXPIRED = "referral_expired", _("fiche de liaison expirée sans réponse")
    DIAGNOSTIC_RESULT = "diagnostic_result", _("résultat du diagnostic")
    SERVICE_STARTED = "service_started", _("service démarré")
    ABSENCE_UNEXCUSED = "absence_unexcused", _("absence injustifiée")
    PATHWAY_CLOSED = "pathway_closed", _("sortie du parcours")
    # Accompaniment actions (accompaniment/).
    WORKSHOP_REGISTERED = "workshop_registered", _("inscription à un atelier")
    WORKSHOP_ABSENCE = "workshop_absence", _("absence injustifiée à un atelier")
    WORKSHOP_CANCELLED = "workshop_cancelled", _("annulation d'une séance d'atelier")
    ORIENTATION_SENT = "orientation_sent", _("orientation vers un partenaire")
    ORIENTATION_OUTCOME = "orientation_outcome", _("suite d'une orientation")
    AID_DECIDED = "aid_decided", _("décision d'aide financière")
    # Driving school (drivingschool/).
    DRIVING_EXCLUSION = "driving_exclusion", _("exclusion de l'auto-école sociale")
    DRIVING_EXAM_RESULT = "driving_exam_result", _("résultat d'un examen du permis")
    DRIVING_TRANCHE_RELEASED = (
        "driving_tranche_released",
        _("tranche de financement du permis débloquée"),
    )
    # Fleet (fleet/): the end of a rental, the microcredit proposal, the alerts.
    RENTAL_ENDED = "rental_ended", _("fin d'une location")
    MICROCREDIT_PROPOSED = "microcredit_proposed", _("microcrédit proposé")
    FLEET_ALERT = "fleet_alert", _("alerte de la flotte (km, point étape en retard)")


class NotificationState(models.TextChoices):
    PENDING = "pending", _("en attente")
    SENT = "sent", _("envoyée")
    FAILED = "failed", _("échec")


class NotificationAttachment(models.TextChoices):
    """A file a notification carries, rebuilt when the email leaves (never stored)."""

    DIAGNOSTIC_SUMMARY = "diagnostic_summary", _("synthèse du diagnostic (PDF)")


class DailyJobName(models.TextChoices):
    ANONYMISATION = "anonymisation", _("anonymisation des personnes")
    IDEMPOTENCY_PURGE = "idempotency_purge", _("purge des réponses mémorisées de l'API")
    SESSION_CLEANUP = "session_cleanup", _("suppression des sessions expirées")
    NOTIFICATION_RETRY = "notification_retry", _("relance des notifications en attente")
    TASK_RESULTS_PRUNE = "task_results_prune", _("ménage des tâches de fond terminées")
    FLEET_ALERTS = "fleet_alerts", _("alertes de la flotte (points étapes en retard)")
    REFERRAL_REMINDERS = "referral_reminders", _("fiches sans réponse : relance et expiration")


class JobOutcome(models.TextChoices):
    RUNNING = "running", _("en cours")
    OK = "ok", _("réussie")
    FAILED = "failed", _("échec")


class ErasureReason(models.TextChoices):
    """Why a person's data was erased. A code, never free text: the audit row that keeps
    it must not itself hold anything that names the person."""

    RETENTION = "retention", _("durée de conservation écoulée")
    PERSON_REQUEST = "person_request", _("demande de la personne (droit à l'effacement)")
    OBJECTION = "objection", _("opposition de la personne au traitement de ses données")
    UNLAWFUL = "unlawful", _("données recueillies ou traitées sans base légale")
    LEGAL_OBLIGATION = "legal_obligation", _("obligation légale ou décision d'une autorité")


# The reasons an administrator may give; retention is the daily job's own.
ERASURE_REQUEST_REASONS = frozenset(ErasureReason) - {ErasureReason.RETENTION}


class FileAccessChannel(models.TextChoices):
    """How a beneficiary file was read, for the consultation log."""

    PAGE = "page", _("fiche bénéficiaire (site)")
    API = "api", _("API")
    EXPORT_JSON = "export_json", _("téléchargement de toutes ses données (JSON)")
    EXPORT_PDF = "export_pdf", _("téléchargement de toutes ses données (PDF)")
    ADMIN = "admin", _("administration (/admin/)")
    DOCUMENT = "document", _("téléchargement d'un document de la personne")
    SIGNED_DOCUMENT = "signed_document", _("téléchargement d'un document signé")


class SignedDocumentKind(models.TextChoices):
    """What a signed document is: each module signs its own."""

    RENTAL_CONTRACT = "rental_contract", _("contrat de mise à disposition")
    RETURN_REPORT = "return_report", _("procès-verbal de retour")
    LEARNING_AGREEMENT = "learning_agreement", _("contrat pédagogique")
    LESSON_SHEET = "lesson_sheet", _("feuille d'émargement de séance")
    WORKSHOP_SHEET = "workshop_sheet", _("feuille d'émargement d'atelier")


class ProofKind(models.TextChoices):
    """How a document was signed: drawn on the tablet, or on paper then scanned."""

    TABLET = "tablet", _("signé sur tablette")
    PAPER = "paper", _("scan papier")


class SignerRole(models.TextChoices):
    BENEFICIARY = "beneficiary", _("personne accompagnée")
    STAFF = "staff", _("professionnel·le de la plateforme")
