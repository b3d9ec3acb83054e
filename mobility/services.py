"""Every write of the core domain. Pages and API call these, so they cannot disagree."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from mobility import erasure, notifications
from mobility.enums import (
    CASEWORK_ROLES,
    ERASURE_REQUEST_REASONS,
    ErasureReason,
    Need,
    NotificationEvent,
    NotificationState,
    OrganisationKind,
    Outcome,
    PathwayStatus,
    ReferralStatus,
    Role,
)
from mobility.errors import Conflict, DuplicatePerson, Forbidden, InvalidInput
from mobility.models import (
    Beneficiary,
    ErasureRecord,
    FileAccess,
    IdempotentRequest,
    Notification,
    Organisation,
    Pathway,
    Platform,
    Referral,
    User,
)
from mobility.rules import (
    JobFacts,
    PersonFacts,
    anonymisation_cutoff,
    can_transition,
    identity_key,
    monthly_resources_problem,
    notification_may_resend,
    referral_problems,
)

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "phone",
    "email",
    "address",
    "postal_code",
    "commune",
    "qpv",
    "rsa",
    "ass",
    "aah",
    "rqth",
    "licence_held",
    "licence_since",
)


@dataclass(frozen=True)
class PersonData:
    first_name: str
    last_name: str
    birth_date: date
    sex: str
    commune: str
    phone: str = ""
    email: str = ""
    address: str = ""
    postal_code: str = ""
    qpv: bool = False
    rsa: bool = False
    ass: bool = False
    aah: bool = False
    rqth: bool = False
    licence_held: bool = False
    licence_since: date | None = None


@dataclass(frozen=True)
class ReferralData:
    """Everything a fiche de liaison carries, already parsed by a form or an API schema."""

    referent_name: str
    referent_email: str
    person: PersonData
    job_kind: str
    referent_phone: str = ""
    project: str = ""
    contract: str = ""
    job_start_date: date | None = None
    job_end_date: date | None = None
    employer: str = ""
    job_address: str = ""
    job_schedule: str = ""
    home_work_km: Decimal | None = None
    atypical_hours: bool = False
    needs: list[str] = field(default_factory=list)
    comment: str = ""
    received_on: date | None = None
    monthly_resources: Decimal | None = None


def save_with_author(instance, *, by: User | None):
    """Save and let simple-history record `by` as the author, whatever the channel
    (page, API token, management command)."""
    instance._history_user = by
    instance.save()
    return instance


def _require_casework(user: User, platform_id: int) -> None:
    if platform_id not in user.platform_ids(CASEWORK_ROLES):
        raise Forbidden(
            "Seul·es les conseiller·ères et administrateur·rices de la plateforme "
            "peuvent traiter les fiches de liaison et les parcours."
        )


def _transition(referral: Referral, target: str) -> None:
    if not can_transition(referral.status, target):
        raise Conflict(
            f"Cette fiche de liaison est « {referral.get_status_display()} » : "
            "elle ne peut plus changer de cette façon."
        )
    referral.status = target


@transaction.atomic
def organisation_create(
    *, by: User, platform: Platform, name: str, kind: str, siret: str = ""
) -> Organisation:
    if platform.pk not in user_admin_platform_ids(by):
        raise Forbidden(
            "Seul·es les administrateur·rices de la plateforme créent des organisations."
        )
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = "Le nom est obligatoire."
    if kind not in OrganisationKind.values:
        errors["kind"] = "Le type doit être prescriber, funder ou partner."
    siret = siret.replace(" ", "")
    if siret and (len(siret) != 14 or not siret.isdigit()):
        errors["siret"] = "Le SIRET compte exactement 14 chiffres."
    if errors:
        raise InvalidInput("L'organisation n'est pas valide.", errors=errors)
    if organisation_name_taken(platform_id=platform.pk, name=name):
        raise Conflict(f"Une organisation nommée « {name} » existe déjà sur cette plateforme.")
    return save_with_author(
        Organisation(platform=platform, name=name, kind=kind, siret=siret), by=by
    )


def organisation_name_taken(*, platform_id: int, name: str, exclude_pk: int | None = None) -> bool:
    """Whether another organisation of the platform has this name, whatever the case."""
    return (
        Organisation.objects.filter(platform_id=platform_id, name__iexact=name.strip())
        .exclude(pk=exclude_pk)
        .exists()
    )


def user_admin_platform_ids(user: User) -> set[int]:
    return user.platform_ids({Role.ADMIN})


def is_valid_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def validate_referral(data: ReferralData, *, today: date) -> None:
    """Raise InvalidInput with every field problem, in French."""
    person = data.person
    problems = referral_problems(
        person=PersonFacts(
            birth_date=person.birth_date,
            licence_held=person.licence_held,
            licence_since=person.licence_since,
            postal_code=person.postal_code,
        ),
        job=JobFacts(
            kind=data.job_kind,
            contract=data.contract,
            start_date=data.job_start_date,
            end_date=data.job_end_date,
        ),
        received_on=data.received_on or today,
        today=today,
    )
    resources_problem = monthly_resources_problem(data.monthly_resources)
    if resources_problem:
        problems["monthly_resources"] = resources_problem
    for field_name, value in (("referent_email", data.referent_email), ("email", person.email)):
        if value and not is_valid_email(value):
            problems[field_name] = "Adresse électronique invalide."
    if not data.referent_email:
        problems["referent_email"] = "Le courriel du ou de la référent·e est obligatoire."
    unknown_needs = sorted(set(data.needs) - set(Need.values))
    if unknown_needs:
        problems["needs"] = "Aide(s) inconnue(s) : " + ", ".join(unknown_needs) + "."
    if data.home_work_km is not None and data.home_work_km < 0:
        problems["home_work_km"] = "La distance domicile-travail ne peut pas être négative."
    if problems:
        raise InvalidInput("La fiche de liaison contient des erreurs.", errors=problems)


@transaction.atomic
def referral_submit(*, by: User, prescriber: Organisation, data: ReferralData) -> Referral:
    """Record a fiche de liaison sent by a prescriber (or typed in by the platform)."""
    is_own_prescriber = prescriber.pk in by.organisation_ids({Role.PRESCRIBER})
    is_casework = prescriber.platform_id in by.platform_ids(CASEWORK_ROLES)
    if not (is_own_prescriber or is_casework):
        raise Forbidden("Vous ne pouvez pas envoyer de fiche au nom de cette structure.")
    if prescriber.kind != OrganisationKind.PRESCRIBER or prescriber.archived_at:
        raise InvalidInput(
            "Cette organisation n'est pas une structure prescriptrice active.",
            errors={"prescriber": "Choisissez une structure prescriptrice."},
        )
    today = timezone.localdate()
    if data.received_on not in (None, today) and not is_casework:
        # The reports count a referral in the period of its reception: only the platform
        # dates a paper fiche it received earlier.
        raise InvalidInput(
            "Seule la plateforme peut dater la réception d'une fiche d'un autre jour : "
            "laissez received_on vide, la fiche est reçue aujourd'hui.",
            errors={"received_on": "La fiche est reçue aujourd'hui."},
        )
    validate_referral(data, today=today)
    values = asdict(data)
    person = values.pop("person")
    values["received_on"] = data.received_on or today
    referral = save_with_author(
        Referral(
            platform_id=prescriber.platform_id,
            prescriber=prescriber,
            submitted_by=by,
            **values,
            **person,
        ),
        by=by,
    )
    notifications.notify_referent(
        referral=referral, event=NotificationEvent.REFERRAL_RECEIVED, by=by
    )
    return referral


def duplicate_candidates(referral: Referral) -> list[Beneficiary]:
    """People of the platform who look like the referral's person (offered for merge)."""
    return list(
        Beneficiary.objects.same_person(
            platform_id=referral.platform_id,
            first_name=referral.first_name,
            last_name=referral.last_name,
            birth_date=referral.birth_date,
        ).order_by("pk")
    )


@transaction.atomic
def referral_accept(
    *,
    referral: Referral,
    by: User,
    beneficiary: Beneficiary | None = None,
    new_beneficiary: bool = False,
    opened_on: date | None = None,
) -> Referral:
    """Accept a referral: link or create the beneficiary and open (or join) a pathway.

    When the platform already follows someone with the same name and birth date, the
    adviser must say whether it is that person (`beneficiary`) or someone else
    (`new_beneficiary=True`): a person is never silently doubled.
    `opened_on` dates a new pathway when the decision is typed in later (default today).
    """
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    _require_casework(by, referral.platform_id)
    _transition(referral, ReferralStatus.ACCEPTED)
    # Two acceptances for the same person at once would both find no duplicate and both
    # create a file: acceptances of one platform take turns on the platform's row.
    Platform.objects.select_for_update().filter(pk=referral.platform_id).first()
    opened_on = opened_on or timezone.localdate()
    if not referral.received_on <= opened_on <= timezone.localdate():
        raise InvalidInput(
            "La date d'ouverture du parcours doit être comprise entre la réception "
            "de la fiche et aujourd'hui.",
            errors={"opened_on": "Choisissez une date entre la réception et aujourd'hui."},
        )
    if beneficiary is not None and new_beneficiary:
        raise InvalidInput(
            "Choisissez soit une personne existante, soit une nouvelle fiche, pas les deux."
        )
    if beneficiary is None:
        candidates = duplicate_candidates(referral)
        if candidates and not new_beneficiary:
            raise DuplicatePerson(
                "La plateforme suit déjà une personne de même nom née le même jour "
                f"(bénéficiaire n° {', '.join(str(c.pk) for c in candidates)}). "
                "Indiquez s'il s'agit d'elle ou d'une autre personne.",
                candidates=[c.pk for c in candidates],
            )
        beneficiary = save_with_author(
            Beneficiary(
                platform_id=referral.platform_id,
                identity_key=identity_key(referral.first_name, referral.last_name),
                **{name: getattr(referral, name) for name in PERSON_FIELDS},
            ),
            by=by,
        )
    elif beneficiary.platform_id != referral.platform_id:
        raise InvalidInput("Cette personne n'est pas suivie par la plateforme de la fiche.")
    else:
        beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
        if beneficiary.archived_at:
            raise Conflict("Cette personne est archivée : elle ne peut plus être rattachée.")
    pathway = beneficiary.pathways.filter(status=PathwayStatus.OPEN).first()
    if pathway is None:
        pathway = save_with_author(
            Pathway(
                platform_id=referral.platform_id,
                beneficiary=beneficiary,
                opened_on=opened_on,
                opened_by=by,
            ),
            by=by,
        )
    referral.beneficiary = beneficiary
    referral.pathway = pathway
    referral.decided_by = by
    referral.decided_at = timezone.now()
    save_with_author(referral, by=by)
    notifications.notify_referent(
        referral=referral, event=NotificationEvent.REFERRAL_ACCEPTED, by=by
    )
    return referral


@transaction.atomic
def referral_decline(*, referral: Referral, by: User, reason: str) -> Referral:
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    _require_casework(by, referral.platform_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "Le motif du refus est obligatoire : il est transmis au référent.",
            errors={"reason": "Indiquez le motif du refus."},
        )
    _transition(referral, ReferralStatus.DECLINED)
    referral.decline_reason = reason
    referral.decided_by = by
    referral.decided_at = timezone.now()
    save_with_author(referral, by=by)
    notifications.notify_referent(
        referral=referral, event=NotificationEvent.REFERRAL_DECLINED, by=by
    )
    return referral


@transaction.atomic
def pathway_close(
    *, pathway: Pathway, by: User, closed_on: date, outcome: str, durable_solution: bool
) -> Pathway:
    """Close a pathway with its outcome; its referrals close and their referents are told."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    _require_casework(by, pathway.platform_id)
    if pathway.status != PathwayStatus.OPEN:
        raise Conflict("Ce parcours est déjà clôturé.")
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Situation de sortie inconnue."
    if closed_on < pathway.opened_on:
        errors["date"] = "La date de sortie ne peut pas précéder l'ouverture du parcours."
    if closed_on > timezone.localdate():
        errors["date"] = "La date de sortie ne peut pas être dans le futur."
    if errors:
        raise InvalidInput("La clôture du parcours n'est pas valide.", errors=errors)
    open_rentals = [
        str(rental.vehicle) for rental in pathway.rentals.open().select_related("vehicle")
    ]
    if open_rentals:
        # The ledger would go on charging a closed pathway: the vehicle comes back first.
        raise Conflict(
            "Ce parcours a encore une location en cours ("
            + ", ".join(open_rentals)
            + ") : enregistrez d'abord le retour du véhicule."
        )
    pathway.status = PathwayStatus.CLOSED
    pathway.closed_on = closed_on
    pathway.outcome = outcome
    pathway.durable_solution = durable_solution
    pathway.closed_by = by
    save_with_author(pathway, by=by)
    for referral in pathway.referrals.select_for_update().filter(status=ReferralStatus.ACCEPTED):
        _transition(referral, ReferralStatus.CLOSED)
        save_with_author(referral, by=by)
        notifications.notify_referent(
            referral=referral, event=NotificationEvent.PATHWAY_CLOSED, by=by
        )
    return pathway


# An erased message must never leave: what was still waiting is given up.
UNSENT_AFTER_ANONYMISATION = "Non envoyée : les données de la personne ont été anonymisées."

# Personal data: erasure and the consultation log ------------------------------------------


def erase_rows(*, root: Beneficiary | Referral) -> dict[str, int]:
    """Apply every rule of the erasure registry to the rows of `root` (a person, or a
    fiche that never became one): live rows, their history rows and their admin log
    entries. Returns the number of rows per model, for the audit row.

    The rows are rewritten with QuerySet.update() on purpose: a history row that kept
    the old values would defeat the erasure.
    """
    rows = {}
    for rule in erasure.RULES:
        lookup = rule.person if isinstance(root, Beneficiary) else rule.referral
        if lookup is None:
            continue
        model = rule.model_class
        ids = list(
            model._default_manager.filter(**{lookup: root.pk})
            .order_by()
            .values_list("pk", flat=True)
            .distinct()
        )
        if not ids:
            continue
        updates = rule.updates()
        _delete_files_on_commit(model, ids, [name for name in rule.erase if name in updates])
        if updates:
            rows[rule.model] = len(ids)
            model._default_manager.filter(pk__in=ids).update(**updates)
        history = erasure.history_model(model)
        if history is not None:
            history.objects.filter(id__in=ids).update(
                **updates, **dict.fromkeys(erasure.HISTORY_ERASED)
            )
        _scrub_admin_log(model, ids)
    return rows


def _delete_files_on_commit(model: type[models.Model], ids: list[int], erased: list[str]):
    """The stored files of the erased file fields (live rows and their history) are
    deleted from their storage once the erasure is committed: a rolled-back erasure keeps
    them, a committed one leaves none behind."""
    history = erasure.history_model(model)
    for name in erased:
        model_field = model._meta.get_field(name)
        if not isinstance(model_field, models.FileField):
            continue
        stored = set(model._default_manager.filter(pk__in=ids).values_list(name, flat=True))
        if history is not None:
            stored |= set(history.objects.filter(id__in=ids).values_list(name, flat=True))
        stored.discard("")
        stored.discard(None)
        storage = model_field.storage
        for stored_name in sorted(stored):
            transaction.on_commit(lambda n=stored_name, s=storage: s.delete(n))


def _scrub_admin_log(model: type[models.Model], ids: list[int]) -> None:
    """What /admin/ logged about these objects: their label becomes "<kind> n° <id>", the
    message (which may quote the object or its inlines) is emptied."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[str(pk) for pk in ids],
    ).update(
        object_repr=Concat(
            Value(f"{model._meta.verbose_name} n° "),
            Cast("object_id", models.CharField()),
            output_field=models.CharField(),
        ),
        change_message="",
    )


@transaction.atomic
def beneficiary_anonymise(
    *,
    beneficiary: Beneficiary,
    by: User | None = None,
    reason: str = ErasureReason.RETENTION,
) -> Beneficiary:
    """Erase what identifies a person, in every table the registry names, history
    included; what the funder reports count stays. Their declined fiches that were
    never linked to them are linked first, so they are erased too."""
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    if beneficiary.anonymised_at is not None:
        raise Conflict("Cette personne est déjà anonymisée.")
    if beneficiary.pathways.filter(status=PathwayStatus.OPEN).exists():
        raise Conflict(
            "Cette personne a un parcours en cours : clôturez-le avant d'effacer ses données."
        )
    for referral in Referral.objects.declined_unlinked_of(beneficiary):
        referral.beneficiary = beneficiary
        save_with_author(referral, by=by)
    rows = erase_rows(root=beneficiary)
    now = timezone.now()
    for referral in Referral.objects.filter(beneficiary=beneficiary).select_for_update():
        referral.anonymised_at = now
        save_with_author(referral, by=by)
    beneficiary.refresh_from_db()
    beneficiary.anonymised_at = now
    beneficiary.archived_at = beneficiary.archived_at or now
    save_with_author(beneficiary, by=by)
    ErasureRecord.objects.create(
        platform_id=beneficiary.platform_id,
        beneficiary=beneficiary,
        reason=reason,
        requested_by=by,
        erased_at=now,
        rows=rows,
    )
    _give_up_pending_notifications(Notification.objects.filter(referral__beneficiary=beneficiary))
    return beneficiary


@transaction.atomic
def beneficiary_erase_on_request(*, beneficiary: Beneficiary, by: User, reason: str) -> Beneficiary:
    """A platform administrator erases one person's data now (right to erasure), with a
    reason among ERASURE_REQUEST_REASONS, recorded in the audit row."""
    if beneficiary.platform_id not in user_admin_platform_ids(by):
        raise Forbidden(
            "Seul·es les administrateur·rices de la plateforme effacent les données d'une personne."
        )
    if reason not in ERASURE_REQUEST_REASONS:
        raise InvalidInput(
            "Le motif de l'effacement est obligatoire.",
            errors={"reason": "Choisissez le motif de l'effacement."},
        )
    return beneficiary_anonymise(beneficiary=beneficiary, by=by, reason=reason)


@transaction.atomic
def referral_retire(*, referral: Referral) -> Referral:
    """A fiche that never became a person's, at the end of its own retention period:
    linked to the person it names when the platform follows exactly one such person
    (declined fiches only; it is then erased with that person), erased otherwise."""
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    if referral.anonymised_at is not None or referral.beneficiary_id is not None:
        raise Conflict("Cette fiche est déjà anonymisée ou liée à une personne.")
    if referral.status == ReferralStatus.DECLINED:
        people = list(
            Beneficiary.objects.same_person(
                platform_id=referral.platform_id,
                first_name=referral.first_name,
                last_name=referral.last_name,
                birth_date=referral.birth_date,
            ).filter(anonymised_at__isnull=True)[:2]
        )
        if len(people) == 1:
            referral.beneficiary = people[0]
            return save_with_author(referral, by=None)
    rows = erase_rows(root=referral)
    _give_up_pending_notifications(Notification.objects.filter(referral=referral))
    now = timezone.now()
    referral.refresh_from_db()
    referral.anonymised_at = now
    save_with_author(referral, by=None)
    ErasureRecord.objects.create(
        platform_id=referral.platform_id,
        referral=referral,
        reason=ErasureReason.RETENTION,
        erased_at=now,
        rows=rows,
    )
    return referral


@dataclass(frozen=True)
class DueForAnonymisation:
    cutoff: date
    beneficiary_ids: list[int]
    referral_ids: list[int]


def due_for_anonymisation(*, today: date, retention_days: int | None = None) -> DueForAnonymisation:
    """The people and the lone fiches whose retention period ended on `today`."""
    if retention_days is None:
        retention_days = settings.PERSONAL_DATA_RETENTION_DAYS
    cutoff = anonymisation_cutoff(today=today, retention_days=retention_days)
    return DueForAnonymisation(
        cutoff=cutoff,
        beneficiary_ids=list(
            Beneficiary.objects.due_for_anonymisation(cutoff=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        referral_ids=list(
            Referral.objects.unlinked_due_for_anonymisation(cutoff=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
    )


@dataclass(frozen=True)
class AnonymisationDone:
    people: int
    referrals_erased: int
    referrals_linked: int


def anonymise_past_retention(
    *, today: date, retention_days: int | None = None
) -> AnonymisationDone:
    """The daily job: anonymise the people whose last pathway ended more than the
    retention period before `today`, then retire the fiches that never became a person
    on their own clock. One transaction per person or fiche: a failure leaves the
    others done (and is raised)."""
    due = due_for_anonymisation(today=today, retention_days=retention_days)
    for pk in due.beneficiary_ids:
        beneficiary_anonymise(beneficiary=Beneficiary(pk=pk))
    # People anonymised just now took their declined fiches with them.
    lone = Referral.objects.filter(pk__in=due.referral_ids, beneficiary__isnull=True)
    erased = linked = 0
    for pk in lone.order_by("pk").values_list("pk", flat=True):
        referral = referral_retire(referral=Referral(pk=pk))
        if referral.anonymised_at is None:
            linked += 1
        else:
            erased += 1
    return AnonymisationDone(
        people=len(due.beneficiary_ids), referrals_erased=erased, referrals_linked=linked
    )


def file_access_record(*, beneficiary: Beneficiary, by: User, channel: str) -> FileAccess:
    """Log one reading of a person's file (one INSERT, no history: the log is the trail)."""
    return FileAccess.objects.create(
        platform_id=beneficiary.platform_id, beneficiary=beneficiary, user=by, channel=channel
    )


def _give_up_pending_notifications(notifications_of) -> None:
    notifications_of.filter(state=NotificationState.PENDING).update(
        state=NotificationState.FAILED, send_error=UNSENT_AFTER_ANONYMISATION
    )


def idempotency_keys_purge(*, now: datetime) -> int:
    """Delete the remembered API responses past IDEMPOTENCY_KEY_TTL_HOURS (they hold
    personal data); how many."""
    count, _ = expired_idempotency_keys(now=now).delete()
    return count


def expired_idempotency_keys(*, now: datetime):
    return IdempotentRequest.objects.filter(
        created_at__lt=now - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    )


# ---- notifications


@transaction.atomic
def notification_resend(*, notification: Notification, by: User | None) -> Notification:
    """Staff send again a notification in "échec", or one stuck in "en attente"."""
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("referral__beneficiary")
        .get(pk=notification.pk)
    )
    if notification.state == NotificationState.SENT:
        raise Conflict("Cette notification a déjà été envoyée.")
    beneficiary = notification.referral.beneficiary
    if beneficiary is not None and beneficiary.anonymised_at is not None:
        raise Conflict(
            "Les données de cette personne ont été anonymisées : la notification ne peut "
            "plus être envoyée."
        )
    now = timezone.now()
    if not notification_may_resend(
        state=notification.state,
        last_activity=notification.last_activity,
        now=now,
        stuck_after=settings.NOTIFICATION_STUCK_AFTER,
    ):
        raise Conflict(
            "Un envoi de cette notification est en cours : son résultat s'affichera ici. "
            "Elle pourra être renvoyée si elle reste en attente."
        )
    notification.state = NotificationState.PENDING
    notification.resent_at = now
    notification.resent_by = by
    notification.save(update_fields=["state", "resent_at", "resent_by"])
    notifications.enqueue_on_commit(notification.pk, attempt=notification.attempts + 1)
    return notification
