"""Every write of the auto-école sociale. The pages and the API call these.

Each service checks the caller's role on the row's platform, locks what it changes,
validates with the pure rules of drivingschool.assiduity, saves through `save_with_author` (so the
history records its author) and tells the referent once the transaction commits.
After anything that moves a funding gate (agreement, attendance, exam, exclusion,
programme numbers), the tranches follow their gate (`_sync_tranches`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from drivingschool import assiduity, selectors
from drivingschool.enums import (
    DECISION_ROLES,
    SCHOOL_ROLES,
    AttendanceStatus,
    BlockingReason,
    EnrolmentStatus,
    ExamKind,
    LessonKind,
    TrancheKind,
    TrancheStatus,
)
from drivingschool.models import (
    Attendance,
    Enrolment,
    ExamAttempt,
    FundingTranche,
    Lesson,
    Programme,
)
from mobility import notifications
from mobility.attendance_sheets import sheet_attach_scan, sheet_sign
from mobility.enums import NotificationEvent, OrganisationKind, PathwayStatus, ReferralStatus, Role
from mobility.errors import Conflict, Forbidden, InvalidInput
from mobility.models import Organisation, Pathway, Platform, Referral, User
from mobility.services import save_with_author

MAX_HOURS = Decimal("500")


def _require(user: User, platform_id: int, roles, message: str) -> None:
    if platform_id not in user.platform_ids(roles):
        raise Forbidden(message)


def _require_school(user: User, platform_id: int) -> None:
    _require(
        user,
        platform_id,
        SCHOOL_ROLES,
        "Seul·es les moniteur·rices, conseiller·ères et administrateur·rices de la "
        "plateforme gèrent l'auto-école sociale.",
    )


def blocking_sentence(codes) -> str:
    return ", ".join(str(BlockingReason(code).label) for code in codes)


# ---- programme


def programme_for(platform: Platform) -> Programme:
    """The platform's programme, created with the default numbers on first use."""
    programme, _created = Programme.objects.get_or_create(platform=platform)
    return programme


@dataclass(frozen=True)
class ProgrammeData:
    name: str
    hourly_rate: Decimal
    exclusion_threshold: int
    attendance_threshold: Decimal
    excused_count_as_held: bool
    theory_departmental_pass_rate: Decimal | None
    driving_departmental_pass_rate: Decimal | None
    suggested_hours: dict | None = None  # None: unchanged


def _suggested_hours_problem(table) -> str | None:
    if not isinstance(table, dict):
        return "Un objet par groupe d'orientation est attendu."
    for group, row in table.items():
        if group not in {"1", "2", "3"} or not isinstance(row, dict):
            return 'Les groupes d\'orientation sont "1", "2" ou "3".'
        for key, value in row.items():
            if key not in {"theory", "driving", "pre_training"}:
                return f"Clé inconnue « {key} » : theory, driving ou pre_training."
            if not isinstance(value, int | float) or value < 0:
                return "Les heures sont des nombres positifs."
    return None


def programme_problems(data: ProgrammeData) -> dict[str, str]:
    """What is wrong with the programme's numbers, per field (empty when they hold)."""
    errors = {}
    if not data.name.strip():
        errors["name"] = "Le nom est obligatoire."
    if data.hourly_rate < 0:
        errors["hourly_rate"] = "Le tarif horaire ne peut pas être négatif."
    if data.exclusion_threshold < 1:
        errors["exclusion_threshold"] = "Le seuil d'exclusion est d'au moins 1 absence."
    if not 0 <= data.attendance_threshold <= 1:
        errors["attendance_threshold"] = "L'assiduité minimale est comprise entre 0 et 1."
    for name in ("theory_departmental_pass_rate", "driving_departmental_pass_rate"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= 1:
            errors[name] = "Un taux de réussite est compris entre 0 et 1."
    if data.suggested_hours is not None:
        problem = _suggested_hours_problem(data.suggested_hours)
        if problem:
            errors["suggested_hours"] = problem
    return errors


@transaction.atomic
def programme_update(*, by: User, programme: Programme, data: ProgrammeData) -> Programme:
    """A platform administrator changes the programme's numbers; gates follow at once."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _require(
        by,
        programme.platform_id,
        {Role.ADMIN},
        "Seul·es les administrateur·rices de la plateforme modifient le programme.",
    )
    errors = programme_problems(data)
    if errors:
        raise InvalidInput("Le programme contient des erreurs.", errors=errors)
    for name, value in data.__dict__.items():
        if value is None and name == "suggested_hours":
            continue
        setattr(programme, name, value.strip() if isinstance(value, str) else value)
    save_with_author(programme, by=by)
    _sync_tranches_of(
        Enrolment.objects.filter(programme=programme).active().select_related("programme"),
        by=by,
    )
    return programme


# ---- enrolments


def _funder(organisation: Organisation | None, platform_id: int, field: str):
    if organisation is None:
        return None
    if (
        organisation.platform_id != platform_id
        or organisation.kind != OrganisationKind.FUNDER
        or organisation.archived_at
    ):
        raise InvalidInput(
            "Ce financeur n'est pas un financeur actif de la plateforme.",
            errors={field: "Choisissez un financeur de la plateforme."},
        )
    return organisation


@transaction.atomic
def enrolment_create(
    *,
    by: User,
    pathway: Pathway,
    start_date: date,
    theory_hours: Decimal | None = None,
    driving_hours: Decimal | None = None,
    hourly_rate: Decimal | None = None,
    theory_funder: Organisation | None = None,
    practical_funder: Organisation | None = None,
    pre_training_hours: Decimal | None = None,
) -> Enrolment:
    """Enrol the person of a pathway: quote, two tranches, referent told.

    Hours left out are suggested from the diagnostic's orientation group (group 2: the
    pré-formation's hours, to complete before tranche 1 opens); someone oriented towards
    a specialised partner (group 3) is not engaged in the licence.
    """
    pathway = Pathway.objects.select_for_update().select_related("beneficiary").get(pk=pathway.pk)
    _require_school(by, pathway.platform_id)
    if pathway.status != PathwayStatus.OPEN:
        raise Conflict("Ce parcours est clôturé : on ne peut plus y inscrire la personne.")
    if Enrolment.objects.filter(pathway=pathway).active().exists():
        raise Conflict("Cette personne est déjà inscrite à l'auto-école sociale.")
    programme = programme_for(pathway.platform)
    group = selectors.orientation_group_for(pathway)
    if assiduity.engagement_refused(group, programme.suggested_hours):
        raise InvalidInput(
            "Le diagnostic oriente cette personne vers un partenaire spécialisé "
            f"(groupe {group}) : les prérequis du permis ne sont pas réunis.",
            errors={"pathway_id": "Orientation vers un partenaire spécialisé."},
        )
    suggestion = assiduity.suggested_hours(group, programme.suggested_hours)
    errors = {}
    if theory_hours is None:
        theory_hours = suggestion.theory if suggestion else None
    if driving_hours is None:
        driving_hours = suggestion.driving if suggestion else None
    if pre_training_hours is None:
        pre_training_hours = suggestion.pre_training if suggestion else Decimal("0")
    for field, hours in (
        ("theory_hours", theory_hours),
        ("driving_hours", driving_hours),
        ("pre_training_hours", pre_training_hours),
    ):
        if hours is None:
            errors[field] = "Aucun diagnostic ne suggère d'heures : indiquez-les."
        elif not 0 <= hours <= MAX_HOURS:
            errors[field] = f"Le nombre d'heures est compris entre 0 et {MAX_HOURS}."
    if not errors and theory_hours + driving_hours == 0:
        errors["theory_hours"] = "Le devis doit compter au moins une heure."
    hourly_rate = programme.hourly_rate if hourly_rate is None else hourly_rate
    if hourly_rate < 0:
        errors["hourly_rate"] = "Le tarif horaire ne peut pas être négatif."
    if start_date < pathway.opened_on:
        errors["start_date"] = "La formation ne peut pas commencer avant le parcours."
    if errors:
        raise InvalidInput("L'inscription contient des erreurs.", errors=errors)
    theory_funder = _funder(theory_funder, pathway.platform_id, "theory_funder_id")
    practical_funder = _funder(practical_funder, pathway.platform_id, "practical_funder_id")
    amounts = assiduity.quote(
        theory_hours=theory_hours, driving_hours=driving_hours, hourly_rate=hourly_rate
    )
    enrolment = save_with_author(
        Enrolment(
            platform_id=pathway.platform_id,
            programme=programme,
            pathway=pathway,
            start_date=start_date,
            theory_hours=theory_hours,
            driving_hours=driving_hours,
            pre_training_hours=pre_training_hours,
            hourly_rate=hourly_rate,
            quote_total=amounts.total,
            created_by=by,
        ),
        by=by,
    )
    for kind, amount, funder in (
        (TrancheKind.THEORY, amounts.theory_amount, theory_funder),
        (TrancheKind.PRACTICAL, amounts.practical_amount, practical_funder),
    ):
        save_with_author(
            FundingTranche(
                platform_id=pathway.platform_id,
                enrolment=enrolment,
                kind=kind,
                amount=amount,
                funder=funder,
            ),
            by=by,
        )
    for referral in pathway.referrals.filter(status=ReferralStatus.ACCEPTED):
        notifications.notify_referent(
            referral=referral,
            event=NotificationEvent.SERVICE_STARTED,
            by=by,
            context={
                "service": "l'auto-école sociale (code et conduite)",
                "start_date": start_date,
                "details": (
                    "Chaque absence injustifiée vous sera signalée le jour même : "
                    "l'assiduité conditionne le financement des leçons de conduite."
                ),
            },
        )
    return enrolment


def _lock_enrolment(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("programme", "pathway__beneficiary")
        .get(pk=enrolment.pk)
    )


@transaction.atomic
def enrolment_sign_agreement(*, by: User, enrolment: Enrolment, signed_on: date) -> Enrolment:
    """Record that the learning agreement was signed: tranche 1 opens."""
    enrolment = _lock_enrolment(enrolment)
    _require_school(by, enrolment.platform_id)
    if enrolment.agreement_signed_on is not None:
        raise Conflict("Le contrat pédagogique est déjà signé.")
    if signed_on > timezone.localdate():
        raise InvalidInput(
            "La date de signature ne peut pas être future.",
            errors={"signed_on": "Choisissez une date passée ou aujourd'hui."},
        )
    enrolment.agreement_signed_on = signed_on
    save_with_author(enrolment, by=by)
    _sync_tranches(enrolment, by=by)
    return enrolment


@transaction.atomic
def enrolment_exclude(*, by: User, enrolment: Enrolment, reason: str) -> Enrolment:
    """A person (adviser or admin) decides the exclusion the rule may have proposed."""
    enrolment = _lock_enrolment(enrolment)
    _require(
        by,
        enrolment.platform_id,
        DECISION_ROLES,
        "Seul·es les conseiller·ères et administrateur·rices décident d'une exclusion.",
    )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "Le motif de l'exclusion est obligatoire.",
            errors={"reason": "Indiquez le motif de l'exclusion."},
        )
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise Conflict("Cette personne est déjà exclue du programme.")
    enrolment.status = EnrolmentStatus.EXCLUDED
    enrolment.excluded_at = timezone.now()
    enrolment.excluded_by = by
    enrolment.exclusion_reason = reason
    save_with_author(enrolment, by=by)
    state = _sync_tranches_of([enrolment], by=by)[enrolment.pk]
    _notify_pathways(
        [
            (
                enrolment,
                {
                    "excluded_at": timezone.localtime(enrolment.excluded_at),
                    "reason": reason,
                    "unexcused_absences": state.assiduity.unexcused_absences,
                },
            )
        ],
        event=NotificationEvent.DRIVING_EXCLUSION,
        by=by,
    )
    return enrolment


# ---- funding


def _sync_tranches(enrolment: Enrolment, *, by: User | None) -> None:
    _sync_tranches_of([enrolment], by=by)


def _sync_tranches_of(enrolments, *, by: User | None) -> dict[int, selectors.EnrolmentState]:
    """Move each unpaid tranche with its gate (open: released; closed again: pending).

    In a fixed number of queries whatever the number of enrolments (an attendance sheet,
    a programme's new numbers). The enrolments come with their `programme`.
    """
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    states = selectors.states_for(enrolments)
    now = timezone.now()
    moved = []
    tranches = FundingTranche.objects.select_for_update().filter(
        enrolment_id__in=[enrolment.pk for enrolment in enrolments]
    )
    for tranche in tranches.order_by("pk"):
        target = assiduity.synced_tranche_status(
            current=tranche.status,
            gate=states[tranche.enrolment_id].gates[tranche.kind],
            overridden=tranche.overridden,
        )
        if target == tranche.status:
            continue
        tranche.status = target
        if target == TrancheStatus.RELEASED:
            tranche.released_at, tranche.released_by = now, by
        else:
            tranche.released_at, tranche.released_by = None, None
        moved.append(tranche)
    if moved:
        bulk_update_with_history(
            moved, FundingTranche, ["status", "released_at", "released_by"], default_user=by
        )
        by_id = {enrolment.pk: enrolment for enrolment in enrolments}
        _notify_releases(
            [
                (by_id[tranche.enrolment_id], tranche)
                for tranche in moved
                if tranche.status == TrancheStatus.RELEASED
            ],
            by=by,
        )
    return states


def _notify_releases(released: list[tuple[Enrolment, FundingTranche]], *, by: User | None) -> None:
    """Tell the referents that a tranche is released (by its gate or by an admin)."""
    if not released:
        return
    funders = dict(
        Organisation.objects.filter(
            pk__in={tranche.funder_id for _, tranche in released if tranche.funder_id}
        ).values_list("pk", "name")
    )
    items = []
    for enrolment, tranche in released:
        if tranche.kind == TrancheKind.THEORY:
            meaning = "Les séances de code sont financées."
        else:
            meaning = (
                "Le code est réussi et l'assiduité atteinte : les leçons de conduite sont "
                "financées."
            )
        items.append(
            (
                enrolment,
                {
                    "tranche": str(tranche.get_kind_display()),
                    "amount": f"{tranche.amount:.2f}".replace(".", ","),
                    "funder": funders.get(tranche.funder_id, ""),
                    "meaning": meaning,
                    "override_reason": tranche.override_reason,
                },
            )
        )
    _notify_pathways(items, event=NotificationEvent.DRIVING_TRANCHE_RELEASED, by=by)


def _notify_pathways(items: list[tuple[Enrolment, dict]], *, event: str, by: User | None) -> None:
    """Notify the referents of each enrolment's pathway (accepted or closed fiches), in
    one read of the fiches and one insert, whatever the number of enrolments."""
    if not items:
        return
    referrals = (
        Referral.objects.filter(
            pathway_id__in={enrolment.pathway_id for enrolment, _ in items},
            status__in=[ReferralStatus.ACCEPTED, ReferralStatus.CLOSED],
        )
        .select_related("platform", "pathway")
        .order_by("pk")
    )
    by_pathway = defaultdict(list)
    for referral in referrals:
        by_pathway[referral.pathway_id].append(referral)
    notifications.notify_referents(
        [
            (referral, context)
            for enrolment, context in items
            for referral in by_pathway[enrolment.pathway_id]
        ],
        event=event,
        by=by,
    )


def _lock_tranche(tranche: FundingTranche) -> FundingTranche:
    return (
        FundingTranche.objects.select_for_update(of=("self",))
        .select_related("enrolment__programme")
        .get(pk=tranche.pk)
    )


@transaction.atomic
def tranche_release(
    *, by: User, tranche: FundingTranche, override_reason: str = ""
) -> FundingTranche:
    """Release a tranche by hand. A blocked one needs a platform admin and a written reason."""
    tranche = _lock_tranche(tranche)
    _require(
        by,
        tranche.platform_id,
        DECISION_ROLES,
        "Seul·es les conseiller·ères et administrateur·rices gèrent les financements.",
    )
    if not assiduity.can_transition(tranche.status, TrancheStatus.RELEASED):
        raise Conflict(f"Cette tranche est déjà « {tranche.get_status_display()} ».")
    gate = selectors.state_of(tranche.enrolment).gates[tranche.kind]
    override_reason = (override_reason or "").strip()
    if not gate.open:
        if not override_reason:
            raise Conflict(
                f"La {tranche.get_kind_display()} est bloquée : "
                f"{blocking_sentence(gate.blocking)}. Seul·e un·e administrateur·rice de la "
                "plateforme peut la débloquer, avec un motif écrit."
            )
        _require(
            by,
            tranche.platform_id,
            {Role.ADMIN},
            "Seul·es les administrateur·rices de la plateforme peuvent forcer le déblocage "
            "d'une tranche bloquée.",
        )
        tranche.override_reason = override_reason
    tranche.status = TrancheStatus.RELEASED
    tranche.released_at = timezone.now()
    tranche.released_by = by
    save_with_author(tranche, by=by)
    _notify_releases([(tranche.enrolment, tranche)], by=by)
    return tranche


@transaction.atomic
def tranche_mark_paid(*, by: User, tranche: FundingTranche, paid_on: date) -> FundingTranche:
    """Record that the funder paid a released tranche (final)."""
    tranche = _lock_tranche(tranche)
    _require(
        by,
        tranche.platform_id,
        DECISION_ROLES,
        "Seul·es les conseiller·ères et administrateur·rices gèrent les financements.",
    )
    if not assiduity.can_transition(tranche.status, TrancheStatus.PAID):
        raise Conflict(
            f"Cette tranche est « {tranche.get_status_display()} » : seule une tranche "
            "débloquée peut être notée versée."
        )
    if paid_on > timezone.localdate():
        raise InvalidInput(
            "La date du versement ne peut pas être future.",
            errors={"paid_on": "Choisissez une date passée ou aujourd'hui."},
        )
    tranche.status = TrancheStatus.PAID
    tranche.paid_on = paid_on
    tranche.paid_recorded_by = by
    return save_with_author(tranche, by=by)


# ---- lessons and attendance


@transaction.atomic
def lesson_schedule(
    *,
    by: User,
    platform: Platform | None,
    kind: str,
    start: datetime,
    duration_minutes: int,
    enrolments: list[Enrolment],
    instructor: User | None = None,
) -> Lesson:
    """Schedule a lesson for one person or a group of the platform's active enrolments.

    `enrolments` as the caller gave them (a person given twice is refused); `platform`
    None when nobody was given, which is refused too.
    """
    if platform is None or not enrolments:
        raise InvalidInput(
            "La séance contient des erreurs : choisissez au moins une personne inscrite.",
            errors={"enrolment_ids": "Choisissez au moins une personne inscrite."},
        )
    _require_school(by, platform.pk)
    errors = assiduity.lesson_problems(
        start=start, duration_minutes=duration_minutes, today=timezone.localdate()
    )
    if kind not in LessonKind.values:
        errors["kind"] = "Type de séance inconnu : theory, driving, simulator ou pre_training."
    if timezone.is_naive(start) and "start" not in errors:
        start = timezone.make_aware(start)
    if len({e.pk for e in enrolments}) != len(enrolments):
        errors["enrolment_ids"] = "Une même personne figure deux fois."
    elif len(enrolments) > assiduity.MAX_LESSON_PARTICIPANTS:
        errors["enrolment_ids"] = (
            f"Une séance réunit au plus {assiduity.MAX_LESSON_PARTICIPANTS} personnes."
        )
    foreign = [e.pk for e in enrolments if e.platform_id != platform.pk]
    inactive = [e.pk for e in enrolments if e.platform_id == platform.pk and e.is_excluded]
    if foreign:
        errors["enrolment_ids"] = "Inscription(s) inconnue(s) : " + ", ".join(map(str, foreign))
    elif inactive:
        errors["enrolment_ids"] = "Personne(s) exclue(s) du programme : inscription(s) " + (
            ", ".join(map(str, inactive))
        )
    elif "start" not in errors and kind in LessonKind.values:
        waiting = _waiting_for_pre_training(enrolments, kind=kind, start=start)
        if waiting:
            errors["enrolment_ids"] = "Pas encore de séance de ce type pour : " + " ; ".join(
                waiting
            )
    if instructor is None and platform.pk in by.platform_ids({Role.INSTRUCTOR}):
        instructor = by
    if instructor is not None and platform.pk not in instructor.platform_ids({Role.INSTRUCTOR}):
        errors["instructor_id"] = "Cette personne n'est pas moniteur·rice de la plateforme."
    if errors:
        raise InvalidInput(
            "La séance contient des erreurs : " + " ".join(errors.values()), errors=errors
        )
    lesson = save_with_author(
        Lesson(
            platform=platform,
            kind=kind,
            start=start,
            duration_minutes=duration_minutes,
            instructor=instructor,
            created_by=by,
        ),
        by=by,
    )
    lesson.enrolments.set(enrolments)  # recorded in the history, with `by` as author
    return lesson


def _waiting_for_pre_training(enrolments, *, kind: str, start: datetime) -> list[str]:
    """The enrolments (as "inscription N : why") whose pré-formation must come before a
    lesson of `kind` at `start`; reads the pré-formation only when someone must follow one."""
    required = [e for e in enrolments if e.pre_training_hours and e.pre_training_hours > 0]
    if kind == LessonKind.PRE_TRAINING or not required:
        return []
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    records = selectors.pre_training_records([e.pk for e in required])
    waiting = []
    for enrolment in required:
        problem = assiduity.booking_problem(
            kind=kind,
            start=start,
            required_hours=enrolment.pre_training_hours,
            pre_training=records[enrolment.pk],
        )
        if problem:
            waiting.append(f"inscription {enrolment.pk}, {problem}")
    return waiting


@transaction.atomic
def lesson_cancel(*, by: User, lesson: Lesson, reason: str) -> Lesson:
    """Cancel a lesson nobody was marked for yet; it then counts for nobody."""
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    _require_school(by, lesson.platform_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "Le motif de l'annulation est obligatoire.",
            errors={"reason": "Indiquez le motif de l'annulation."},
        )
    if lesson.is_cancelled:
        raise Conflict("Cette séance est déjà annulée.")
    if lesson.attendances.exists():
        raise Conflict(
            "L'émargement de cette séance est commencé : elle ne peut plus être annulée."
        )
    lesson.cancelled_at = timezone.now()
    lesson.cancel_reason = reason
    return save_with_author(lesson, by=by)


@dataclass(frozen=True)
class AttendanceRow:
    enrolment_id: int
    status: str
    late_minutes: int | None = None
    reason: str = ""


@transaction.atomic
def attendance_record(*, by: User, lesson: Lesson, rows: list[AttendanceRow]) -> list[Attendance]:
    """Fill in (or correct) a lesson's attendance sheet in one go.

    Only people booked on the lesson, once it has started. Each new unexcused absence is
    told to the person's referents; the funding gates follow.
    """
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    _require_school(by, lesson.platform_id)
    if lesson.is_cancelled:
        raise Conflict("Cette séance est annulée : pas d'émargement.")
    now = timezone.now()
    if not lesson.has_started(now):
        raise Conflict(
            "Cette séance n'a pas encore commencé : l'émargement s'ouvre à son début "
            f"({timezone.localtime(lesson.start):%d/%m/%Y à %H:%M})."
        )
    if not rows:
        raise InvalidInput("La feuille d'émargement est vide.")
    booked = {
        enrolment.pk: enrolment
        for enrolment in lesson.enrolments.select_related("programme", "pathway__beneficiary")
    }
    errors = {}
    seen = set()
    for row in rows:
        key = str(row.enrolment_id)
        if row.enrolment_id in seen:
            errors[f"{key}.enrolment_id"] = "Cette personne figure deux fois sur la feuille."
            continue
        seen.add(row.enrolment_id)
        enrolment = booked.get(row.enrolment_id)
        if enrolment is None:
            errors[f"{key}.enrolment_id"] = (
                f"L'inscription n° {row.enrolment_id} n'est pas prévue à cette séance."
            )
            continue
        if enrolment.is_excluded and enrolment.excluded_at <= lesson.start:
            errors[f"{key}.enrolment_id"] = (
                f"{enrolment.beneficiary} est exclu·e du programme depuis avant cette séance."
            )
        problems = assiduity.attendance_row_problems(
            status=row.status, late_minutes=row.late_minutes, reason=row.reason
        )
        errors.update({f"{key}.{field}": message for field, message in problems.items()})
    if errors:
        raise InvalidInput(
            "La feuille d'émargement contient des erreurs : " + " ".join(errors.values()),
            errors=errors,
        )
    existing = {
        attendance.enrolment_id: attendance
        for attendance in Attendance.objects.select_for_update().filter(
            lesson=lesson, enrolment_id__in=seen
        )
    }
    # Written in bulk, history included: a fixed number of queries whatever the sheet's size.
    saved, created, changed, newly_unexcused = [], [], [], []
    for row in rows:
        attendance = existing.get(row.enrolment_id) or Attendance(
            platform_id=lesson.platform_id, lesson=lesson, enrolment_id=row.enrolment_id
        )
        values = {
            "status": row.status,
            "late_minutes": row.late_minutes if row.status == AttendanceStatus.LATE else None,
            "reason": row.reason.strip(),
        }
        previous_status = attendance.status if attendance.pk else None
        saved.append(attendance)
        if attendance.pk and all(getattr(attendance, k) == v for k, v in values.items()):
            continue
        for name, value in values.items():
            setattr(attendance, name, value)
        attendance.recorded_by = by
        attendance.recorded_at = now
        (changed if attendance.pk else created).append(attendance)
        if row.status == AttendanceStatus.UNEXCUSED and previous_status != row.status:
            newly_unexcused.append(booked[row.enrolment_id])
    if created:
        bulk_create_with_history(created, Attendance, default_user=by)
    if changed:
        bulk_update_with_history(
            changed,
            Attendance,
            ["status", "late_minutes", "reason", "recorded_by", "recorded_at"],
            default_user=by,
        )
    states = _sync_tranches_of([booked[enrolment_id] for enrolment_id in seen], by=by)
    _notify_absences(newly_unexcused, states=states, lesson=lesson, by=by)
    return saved


@transaction.atomic
def attendance_sheet_submit(
    *,
    by: User,
    lesson: Lesson,
    rows: list[AttendanceRow],
    signatures: dict[str, bytes] | None = None,
    closing: bytes | None = None,
) -> list[Attendance]:
    """The tablet's one submit: the statuses, each present or late person's signature and,
    with the instructor's closing signature, the frozen signed sheet
    (mobility.attendance_sheets.sheet_sign), all or nothing. A sheet closed before whose
    attendance changes here gets its next version to sign."""
    saved = attendance_record(by=by, lesson=lesson, rows=rows)
    sheet_sign(
        sheet=selectors.sheet_of(lesson),
        platform_id=lesson.platform_id,
        by=by,
        signatures=signatures or {},
        closing=closing,
    )
    return saved


def _sheet_lesson(by: User, lesson: Lesson) -> Lesson:
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    _require_school(by, lesson.platform_id)
    if lesson.is_cancelled:
        raise Conflict("Cette séance est annulée : pas d'émargement.")
    if not lesson.has_started():
        raise Conflict("Cette séance n'a pas encore commencé : il n'y a pas encore de feuille.")
    return lesson


@transaction.atomic
def attendance_sheet_close(*, by: User, lesson: Lesson, closing: bytes) -> None:
    """The instructor's closing signature alone (the API's second call after the rows):
    the sheet is frozen if each present or late person has signed."""
    lesson = _sheet_lesson(by, lesson)
    sheet_sign(
        sheet=selectors.sheet_of(lesson),
        platform_id=lesson.platform_id,
        by=by,
        signatures={},
        closing=closing,
    )


@transaction.atomic
def attendance_sheet_attach_scan(*, by: User, lesson: Lesson, file) -> None:
    """Attach the scan of the lesson's printed sheet, signed by hand, as its proof (once
    the lesson has started; a cancelled lesson has no sheet)."""
    lesson = _sheet_lesson(by, lesson)
    sheet_attach_scan(
        sheet=selectors.sheet_of(lesson), platform_id=lesson.platform_id, file=file, by=by
    )


def _notify_absences(
    enrolments: list[Enrolment],
    *,
    states: dict[int, selectors.EnrolmentState],
    lesson: Lesson,
    by: User,
) -> None:
    """Tell the referents of each person newly marked absent without excuse (one pass)."""
    items = []
    for enrolment in enrolments:
        state = states[enrolment.pk]
        programme = enrolment.programme
        items.append(
            (
                enrolment,
                {
                    "lesson_kind": lesson.get_kind_display(),
                    "lesson_start": timezone.localtime(lesson.start),
                    "lesson_duration": lesson.duration_minutes,
                    "unexcused_absences": state.assiduity.unexcused_absences,
                    "absence_ordinal": assiduity.ordinal(state.assiduity.unexcused_absences),
                    "exclusion_threshold": programme.exclusion_threshold,
                    "exclusion_proposed": state.exclusion_proposed,
                    "exclusion_notice": assiduity.exclusion_notice(
                        unexcused_absences=state.assiduity.unexcused_absences,
                        threshold=programme.exclusion_threshold,
                    ),
                },
            )
        )
    _notify_pathways(items, event=NotificationEvent.ABSENCE_UNEXCUSED, by=by)


# ---- exams


@transaction.atomic
def exam_record(
    *, by: User, enrolment: Enrolment, kind: str, exam_date: date, passed: bool
) -> ExamAttempt:
    """Record an exam attempt; a passed theory exam may open tranche 2."""
    enrolment = _lock_enrolment(enrolment)
    _require_school(by, enrolment.platform_id)
    if kind not in ExamKind.values:
        raise InvalidInput("Examen inconnu : theory ou driving.", errors={"kind": "Inconnu."})
    now = timezone.now()
    # At most one success per kind (a database constraint).
    passed_on = dict(enrolment.exam_attempts.filter(passed=True).values_list("kind", "date"))
    problems = assiduity.exam_problems(
        kind=kind,
        exam_date=exam_date,
        today=timezone.localdate(now),
        first_lesson_day=selectors.first_lesson_day(enrolment, now=now),
        theory_passed_on=passed_on.get(ExamKind.THEORY),
        already_passed=kind in passed_on,
    )
    if problems:
        raise InvalidInput(
            "Ce passage d'examen ne peut pas être noté : " + " ".join(problems.values()),
            errors=problems,
        )
    attempt = save_with_author(
        ExamAttempt(
            platform_id=enrolment.platform_id,
            enrolment=enrolment,
            kind=kind,
            date=exam_date,
            passed=passed,
            recorded_by=by,
        ),
        by=by,
    )
    _notify_pathways(
        [
            (
                enrolment,
                {
                    "exam": str(ExamKind(kind).label),
                    "kind": kind,
                    "exam_date": exam_date,
                    "passed": passed,
                    "sitting_number": enrolment.exam_attempts.filter(kind=kind).count(),
                    "threshold_percent": int(enrolment.programme.attendance_threshold * 100),
                },
            )
        ],
        event=NotificationEvent.DRIVING_EXAM_RESULT,
        by=by,
    )
    _sync_tranches(enrolment, by=by)
    return attempt
