"""How each piece of personal data is erased: the one registry, for every model.

Each model that holds rows about a followed person has a `Rule`: how its rows are found
from the person (and, for the fiches that never became a person, from the fiche), which
fields are erased and how, and which are kept and why. Every other model with text is
declared in `NOT_ABOUT_PEOPLE`, with the reason it holds nothing about the people the
platform follows. `undeclared_fields()` lists what is neither: the test suite fails on
it, so a new model or a new free-text field cannot be forgotten.

The same registry drives the right of access (mobility.personal_data): what is erased
is what is handed over.

Erasure rewrites the live rows and every history row (simple-history) with one UPDATE
per table, and scrubs the Django admin log of the objects concerned. A text field is
*replaced*, never kept: an empty text stays empty (there was nothing), any other text
becomes ERASED_TEXT.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Cast, Concat, TruncYear

ANONYMOUS_FIRST_NAME = "Personne"
ANONYMOUS_LAST_NAME = "anonymisée"
ERASED_TEXT = "Texte effacé lors de l'anonymisation."
ERASED_MESSAGE = "Message effacé lors de l'anonymisation de la personne."

# An erasure strategy turns a field name into the expression its column is updated to.
Strategy = Callable[[str], models.Expression]


def blank(name: str) -> models.Expression:
    """Contact data: emptied."""
    return Value("")


def replaced_text(name: str) -> models.Expression:
    """Free text: whatever was written is replaced; an empty field stays empty."""
    return Case(
        When(Q(**{name: ""}) | Q(**{f"{name}__isnull": True}), then=F(name)),
        default=Value(ERASED_TEXT),
        output_field=models.TextField(),
    )


def nulled(name: str) -> models.Expression:
    """An amount about the person (their resources): forgotten."""
    return Value(None)


def constant(value: str) -> Strategy:
    def strategy(name: str) -> models.Expression:
        return Value(value)

    strategy.__doc__ = f"Replaced by « {value} »."
    return strategy


def emptied_json(name: str) -> models.Expression:
    """A snapshot of what a person signed (names, amounts): emptied."""
    return Value({}, output_field=models.JSONField())


def year_only(name: str) -> models.Expression:
    """A birth date keeps its year (the reports count ages), on the first of January."""
    return TruncYear(name, output_field=models.DateField())


def anonymous_identity_key(name: str) -> models.Expression:
    """The duplicate-detection key no longer matches anyone: "anonymised|<id>"."""
    return Concat(
        Value("anonymised|"), Cast("id", models.CharField()), output_field=models.CharField()
    )


# The person's identity, on the beneficiary and on each fiche de liaison.
IDENTITY: Mapping[str, Strategy] = {
    "first_name": constant(ANONYMOUS_FIRST_NAME),
    "last_name": constant(ANONYMOUS_LAST_NAME),
    "birth_date": year_only,
    "phone": blank,
    "email": blank,
    "address": blank,
}
# What the funder reports count about a person: kept, it names nobody on its own.
SITUATION_KEPT = {
    "postal_code": "compté par les rapports (territoire), ne nomme personne",
    "commune": "compté par les rapports (territoire), ne nomme personne",
}
CODES = "codes validés par les services, jamais de texte libre"


@dataclass(frozen=True)
class Rule:
    """How the rows of `model` about one person are found and erased.

    `person`: the lookup from the model to the Beneficiary ("pk" for the beneficiary
    itself). `referral`: the lookup to a Referral, for the models that also belong to a
    fiche that never became a person (None: such a fiche has none). `erase`: field →
    strategy. `keep`: field → why it stays. Fields with `choices` hold codes and need no
    declaration.
    """

    model: str
    person: str
    erase: Mapping[str, Strategy] = field(default_factory=dict)
    keep: Mapping[str, str] = field(default_factory=dict)
    referral: str | None = None

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def updates(self) -> dict[str, models.Expression]:
        return {name: strategy(name) for name, strategy in self.erase.items()}


RULES: tuple[Rule, ...] = (
    Rule(
        "mobility.Beneficiary",
        person="pk",
        erase={**IDENTITY, "identity_key": anonymous_identity_key},
        keep=SITUATION_KEPT,
    ),
    Rule(
        "mobility.Referral",
        person="beneficiary",
        referral="pk",
        erase={
            **IDENTITY,
            "project": replaced_text,
            "job_address": replaced_text,
            "job_schedule": replaced_text,
            "employer": replaced_text,
            "monthly_resources": nulled,
            "comment": replaced_text,
            "decline_reason": replaced_text,
        },
        keep={
            **SITUATION_KEPT,
            "referent_name": "le ou la référent·e, professionnel·le de la structure "
            "prescriptrice, pas la personne suivie",
            "referent_email": "adresse professionnelle du ou de la référent·e",
            "referent_phone": "téléphone professionnel du ou de la référent·e",
            "needs": CODES,
        },
    ),
    Rule("mobility.Pathway", person="beneficiary"),
    Rule(
        "mobility.Notification",
        person="referral__beneficiary",
        referral="referral",
        erase={
            "subject": replaced_text,
            "body": constant(ERASED_MESSAGE),
            "send_error": replaced_text,
        },
        keep={"recipient": "adresse professionnelle du ou de la référent·e destinataire"},
    ),
    Rule("mobility.FileAccess", person="beneficiary"),
    Rule(
        "mobility.ErasureRecord",
        person="beneficiary",
        referral="referral",
        keep={"rows": "nombres de lignes par type de donnée, aucun texte"},
    ),
    Rule(
        "diagnostics.Diagnostic",
        person="pathway__beneficiary",
        keep={
            "answers": "codes des réponses du questionnaire, validés : aucun texte libre",
            "dimension_scores": "scores calculés",
            "recommendations": CODES,
        },
    ),
    Rule(
        "fleet.Rental",
        person="beneficiary",
        erase={
            "eligibility_override_reason": replaced_text,
            "deposit_retained_reason": replaced_text,
            "end_reason": replaced_text,
            # Typed in by an adviser: a deposit waiver, an extension, the microcredit.
            "deposit_waiver_reason": replaced_text,
            "extension_reason": replaced_text,
            "microcredit_notes": replaced_text,
        },
        keep={"eligibility_missing": CODES, "return_condition": CODES},
    ),
    Rule(
        "fleet.CheckIn",
        person="rental__beneficiary",
        erase={"notes": replaced_text},
        keep={"condition": CODES},
    ),
    Rule(
        "fleet.LedgerEntry",
        person="rental__beneficiary",
        # Damage descriptions, deposit reasons, payment labels and the reasons of
        # corrections and refunds are typed in.
        erase={"label": replaced_text, "reason": replaced_text},
    ),
    Rule(
        "fleet.ReceiptEmail",
        person="entry__rental__beneficiary",
        erase={"recipient": blank, "error": replaced_text},
    ),
    Rule(
        "drivingschool.Enrolment",
        person="pathway__beneficiary",
        erase={"exclusion_reason": replaced_text},
    ),
    Rule(
        "drivingschool.FundingTranche",
        person="enrolment__pathway__beneficiary",
        erase={"override_reason": replaced_text},
    ),
    # A group lesson's cancellation reason may name one of its people: it is erased with
    # any of them.
    Rule(
        "drivingschool.Lesson",
        person="enrolments__pathway__beneficiary",
        erase={"cancel_reason": replaced_text},
    ),
    Rule(
        "drivingschool.Attendance",
        person="enrolment__pathway__beneficiary",
        erase={"reason": replaced_text},
    ),
    Rule("drivingschool.ExamAttempt", person="enrolment__pathway__beneficiary"),
    Rule(
        "accompaniment.Action",
        person="pathway__beneficiary",
        erase={"notes": replaced_text},
    ),
    # The row stays (kind, dates, size: a document existed); the file is deleted from the
    # storage once the erasure is committed (services.erase_rows), its name emptied.
    Rule(
        "documents.PersonDocument",
        person="beneficiary",
        erase={"file": blank, "content_type": blank, "original_name": blank},
    ),
    # A signed document names its people: its snapshot, frozen PDF and scan go with any of
    # them (the row, its version and its hash stay: a document was signed).
    Rule(
        "mobility.SignedDocument",
        person="people",
        erase={"content": emptied_json, "pdf": blank, "scan": blank, "scan_content_type": blank},
        keep={"content_hash": "empreinte SHA-256 du contenu signé : ne nomme personne"},
    ),
    # The person's own signature lines: the drawing and the name. A staff member's line
    # is a professional's, kept.
    Rule(
        "mobility.Signature",
        person="beneficiary",
        erase={
            "image": blank,
            "signer_name": constant(f"{ANONYMOUS_FIRST_NAME} {ANONYMOUS_LAST_NAME}"),
        },
        keep={"line": "clé de la ligne signée : un code et un numéro"},
    ),
    Rule(
        "accompaniment.WorkshopRegistration",
        person="pathway__beneficiary",
        erase={"reason": replaced_text},
    ),
)

RULES_BY_MODEL: Mapping[str, Rule] = {rule.model: rule for rule in RULES}

# The Django admin log keeps a label and a message for each object changed in /admin/:
# for every object a rule erases, both are rewritten (see services.erase_rows).
ADMIN_LOG_MODEL = "admin.LogEntry"
ADMIN_LOG_ERASED = ("object_repr", "change_message")
ADMIN_LOG_KEPT = {"object_id": "numéro de l'objet"}

# The columns simple-history adds to every history table.
HISTORY_ERASED = ("history_change_reason",)  # free text, emptied with the person's rows

STAFF_ACCOUNTS = (
    "comptes des utilisateur·rices (personnel, prescripteurs, financeurs), pas des "
    "personnes suivies ; un compte se désactive"
)
PLATFORM_SETTINGS = "paramétrage de la plateforme, saisi par ses administrateur·rices"

# Models with text that say nothing about the people the platform follows.
NOT_ABOUT_PEOPLE: Mapping[str, str] = {
    "mobility.User": STAFF_ACCOUNTS,
    "mobility.Membership": STAFF_ACCOUNTS,
    "mobility.ApiToken": "jetons des comptes : empreinte et libellé",
    "mobility.IdempotentRequest": "réponses d'API rejouables, supprimées après "
    "IDEMPOTENCY_KEY_TTL_HOURS (48 h) par purge_idempotency_keys, bien avant l'anonymisation",
    "mobility.Platform": PLATFORM_SETTINGS,
    "mobility.Organisation": "structures (prescripteurs, financeurs, partenaires)",
    "mobility.Budget": PLATFORM_SETTINGS,
    "diagnostics.Questionnaire": "versions du questionnaire, communes à toutes les personnes",
    "fleet.TariffGrid": PLATFORM_SETTINGS,
    "fleet.TariffStep": PLATFORM_SETTINGS,
    "fleet.TariffReduction": PLATFORM_SETTINGS,
    "fleet.TariffDeposit": PLATFORM_SETTINGS,
    "fleet.FleetSettings": PLATFORM_SETTINGS,
    "fleet.EligibilityRule": PLATFORM_SETTINGS,
    "fleet.Vehicle": "le parc : nom, immatriculation, lieu et notes d'entretien d'un "
    "véhicule, qui n'est lié à une personne que par ses locations",
    "drivingschool.Programme": PLATFORM_SETTINGS,
    "accompaniment.ActionType": PLATFORM_SETTINGS,
    "accompaniment.WorkshopSession": "une séance d'atelier collectif : atelier, lieu, "
    "horaire, places ; les personnes n'y sont liées que par leurs inscriptions",
    "auth.Permission": "schéma de Django",
    "auth.Group": "schéma de Django",
    "contenttypes.ContentType": "schéma de Django",
    "sessions.Session": "sessions de connexion des comptes, qui expirent",
    "axes.AccessAttempt": "tentatives de connexion des comptes (identifiant, adresse IP)",
    "axes.AccessFailureLog": "tentatives de connexion des comptes (identifiant, adresse IP)",
    "axes.AccessLog": "connexions des comptes (identifiant, adresse IP)",
    "django_tasks_database.DBTaskResult": "file des tâches de fond : une tâche ne porte que "
    "des numéros (notification, essai), jamais de texte sur une personne ; les tâches "
    "terminées sont supprimées après TASK_RESULTS_RETENTION_DAYS",
    "mobility.FormSubmission": "jetons de formulaire consommés : l'adresse de la page, "
    "supprimés après IDEMPOTENCY_KEY_TTL_HOURS (48 h)",
    "mobility.JobRun": "exécutions des tâches quotidiennes : des nombres et des erreurs "
    "techniques, sans donnée sur une personne",
    "imports.ImportBatch": "fichier d'import déposé : son contenu est effacé à la "
    "confirmation (les lignes vivent alors dans les dossiers, effacés avec la personne) ou "
    "au dépôt suivant ; restent le nom du fichier, son empreinte et des nombres",
}

# Field types that can hold a name, a contact or free text.
TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.JSONField,
    models.BinaryField,
    models.GenericIPAddressField,
    models.FileField,
)


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    """The simple-history model of `model` (None when it keeps no history)."""
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None)


def _declared(model: type[models.Model]) -> tuple[set[str], str | None]:
    """(the fields declared for `model`, the whole-model reason if any)."""
    label = model._meta.label
    if label == ADMIN_LOG_MODEL:
        return {*ADMIN_LOG_ERASED, *ADMIN_LOG_KEPT}, None
    rule = RULES_BY_MODEL.get(label)
    if rule is not None:
        return {*rule.erase, *rule.keep}, None
    return set(), NOT_ABOUT_PEOPLE.get(label)


def undeclared_fields(models_=None) -> list[str]:
    """The text fields ("app.Model.field") that the registry neither erases nor keeps with
    a reason, among `models_` (default: every installed model, history tables included)."""
    if models_ is None:
        models_ = apps.get_models(include_auto_created=True)
    missing = []
    for model in models_:
        tracked = getattr(model, "instance_type", None)  # a simple-history table
        declared, whole_model = _declared(tracked or model)
        if whole_model:
            continue
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, TEXT_FIELDS) or model_field.choices:
                continue
            name = model_field.name
            if tracked is not None and name in HISTORY_ERASED:
                continue
            if name not in declared:
                missing.append(f"{model._meta.label}.{name}")
    return missing


def unknown_declarations() -> list[str]:
    """Declarations that name a model or field that does not exist (a renamed field
    must not leave its erasure rule behind)."""
    problems = []
    for rule in RULES:
        try:
            model = rule.model_class
        except LookupError:
            problems.append(rule.model)
            continue
        names = {f.name for f in model._meta.concrete_fields}
        problems += [
            f"{rule.model}.{name}" for name in [*rule.erase, *rule.keep] if name not in names
        ]
    for label in NOT_ABOUT_PEOPLE:
        try:
            apps.get_model(label)
        except LookupError:
            problems.append(label)
    return problems
