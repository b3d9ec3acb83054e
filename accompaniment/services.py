"""Every write of the accompaniment actions. The pages and the API call these.

Each service checks the caller's role on the row's platform, locks what it changes,
validates with the pure rules of accompaniment.rules, saves through `save_with_author`
(so the history records its author) and records what the referent is told; the email
leaves once the transaction commits (mobility.notifications).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import formats, timezone

from accompaniment import rules, selectors
from accompaniment.enums import (
    ACTION_ROLES,
    ActionKind,
    AidDecision,
    OrientationOutcome,
    WorkshopAttendance,
)
from accompaniment.models import Action, ActionType, WorkshopRegistration, WorkshopSession
from mobility import notifications
from mobility.attendance_sheets import sheet_attach_scan, sheet_sign
from mobility.enums import NotificationEvent, OrganisationKind, PathwayStatus, ReferralStatus, Role
from mobility.errors import Conflict, Forbidden, InvalidInput
from mobility.models import Organisation, Pathway, Platform, User
from mobility.services import save_with_author


def _require(user: User, platform_id: int, roles=ACTION_ROLES, message: str = "") -> None:
    if platform_id not in user.platform_ids(roles):
        raise Forbidden(
            message
            or "Seul·es les conseiller·ères et administrateur·rices de la plateforme gèrent "
            "les actions d'accompagnement."
        )


def _notify(pathway: Pathway, *, event: str, by: User, context: dict) -> None:
    """Tell the referent of each fiche of the pathway (one notification per fiche)."""
    referrals = pathway.referrals.filter(
        status__in=[ReferralStatus.ACCEPTED, ReferralStatus.CLOSED]
    ).select_related("platform", "pathway")
    for referral in referrals:
        notifications.notify_referent(referral=referral, event=event, by=by, context=context)


# ---- catalogue


@transaction.atomic
def action_type_create(
    *, by: User, platform: Platform, code: str, kind: str, label: str, answers: Iterable[str]
) -> ActionType:
    """A platform administrator adds an entry to the catalogue."""
    _require(
        by,
        platform.pk,
        {Role.ADMIN},
        "Seul·es les administrateur·rices de la plateforme modifient le catalogue.",
    )
    answers = list(answers or [])
    code = (code or "").strip()
    errors = rules.type_problems(code=code, kind=kind, label=label, answers=answers)
    if errors:
        raise InvalidInput(
            "Ce type d'action contient des erreurs : " + " ".join(errors.values()), errors=errors
        )
    if ActionType.objects.filter(platform=platform, code=code).exists():
        raise Conflict(f"Le catalogue a déjà une action de code « {code} ».")
    try:
        with transaction.atomic():
            return save_with_author(
                ActionType(
                    platform=platform, code=code, kind=kind, label=label.strip(), answers=answers
                ),
                by=by,
            )
    except IntegrityError as error:  # a concurrent creation of the same code
        raise Conflict(f"Le catalogue a déjà une action de code « {code} ».") from error


@transaction.atomic
def action_type_update(
    *, by: User, action_type: ActionType, label: str, answers: Iterable[str], archived: bool
) -> ActionType:
    """A platform administrator renames an entry, changes what it answers, or retires it
    from the catalogue (never deleted: recorded actions keep it). Code and kind stay."""
    action_type = ActionType.objects.select_for_update().get(pk=action_type.pk)
    _require(
        by,
        action_type.platform_id,
        {Role.ADMIN},
        "Seul·es les administrateur·rices de la plateforme modifient le catalogue.",
    )
    answers = list(answers or [])
    errors = rules.type_problems(
        code=action_type.code, kind=action_type.kind, label=label, answers=answers
    )
    if errors:
        raise InvalidInput(
            "Ce type d'action contient des erreurs : " + " ".join(errors.values()), errors=errors
        )
    action_type.label = label.strip()
    action_type.answers = answers
    if archived and action_type.archived_at is None:
        action_type.archived_at = timezone.now()
    elif not archived:
        action_type.archived_at = None
    return save_with_author(action_type, by=by)


# ---- workshop sessions


@transaction.atomic
def session_schedule(
    *,
    by: User,
    action_type: ActionType,
    start: datetime,
    duration_minutes: int,
    place: str,
    capacity: int,
    facilitator: User | None = None,
    funder: Organisation | None = None,
) -> WorkshopSession:
    """Schedule a session of a collective workshop of the catalogue, and who funds it."""
    _require(by, action_type.platform_id)
    errors = {}
    if action_type.kind != ActionKind.WORKSHOP:
        errors["type_id"] = "Ce type d'action n'est pas un atelier collectif."
    elif action_type.archived_at:
        errors["type_id"] = "Cet atelier est retiré du catalogue."
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    errors.update(
        rules.session_problems(
            start=start,
            duration_minutes=duration_minutes,
            capacity=capacity,
            today=timezone.localdate(),
        )
    )
    place = (place or "").strip()
    if not place:
        errors["place"] = "Indiquez le lieu de la séance."
    if facilitator is not None and action_type.platform_id not in facilitator.platform_ids(
        {Role.ADMIN, Role.ADVISER, Role.FLEET, Role.INSTRUCTOR}
    ):
        errors["facilitator_id"] = "Cette personne ne fait pas partie de l'équipe de la plateforme."
    if funder is not None and (
        funder.platform_id != action_type.platform_id
        or funder.kind != OrganisationKind.FUNDER
        or funder.archived_at
    ):
        errors["funder_id"] = "Choisissez un financeur actif de la plateforme."
    if errors:
        raise InvalidInput(
            "La séance contient des erreurs : " + " ".join(errors.values()), errors=errors
        )
    return save_with_author(
        WorkshopSession(
            platform_id=action_type.platform_id,
            action_type=action_type,
            start=start,
            duration_minutes=duration_minutes,
            place=place,
            capacity=capacity,
            facilitator=facilitator,
            funder=funder,
            created_by=by,
        ),
        by=by,
    )


@transaction.atomic
def session_cancel(*, by: User, session: WorkshopSession, reason: str) -> WorkshopSession:
    """Cancel a session whose sheet is not begun. It stays, with its registrations and its
    history, and refuses registrations and attendance from then on; the referent of each
    person registered is told."""
    session = (
        WorkshopSession.objects.select_for_update(of=("self",))
        .select_related("action_type")
        .get(pk=session.pk)
    )
    _require(by, session.platform_id)
    registrations = list(
        WorkshopRegistration.objects.filter(session=session)
        .select_related("pathway")
        .order_by("pk")
    )
    errors = rules.cancellation_problems(
        already_cancelled=session.is_cancelled,
        attendance_recorded=any(r.attendance for r in registrations),
        reason=reason,
    )
    if "session" in errors:
        raise Conflict(errors["session"])
    if errors:
        raise InvalidInput(" ".join(errors.values()), errors=errors)
    session.cancelled_at = timezone.now()
    session.cancel_reason = reason.strip()
    save_with_author(session, by=by)
    context = {**_session_context(session), "reason": session.cancel_reason}
    for registration in registrations:
        _notify(
            registration.pathway,
            event=NotificationEvent.WORKSHOP_CANCELLED,
            by=by,
            context=context,
        )
    return session


def _refuse_if_cancelled(session: WorkshopSession) -> None:
    if session.is_cancelled:
        raise Conflict(rules.CANCELLED_MESSAGE)


def _session_context(session: WorkshopSession) -> dict:
    return {
        "workshop": session.action_type.label,
        "session_start": timezone.localtime(session.start),
        "duration": session.duration_minutes,
        "place": session.place,
    }


@transaction.atomic
def registration_create(
    *, by: User, session: WorkshopSession, pathway: Pathway
) -> WorkshopRegistration:
    """Register the person of an open pathway to a session that has a place left.

    The session row is locked, so two advisers filling the last place at once cannot both
    get it; the referent is told."""
    session = (
        WorkshopSession.objects.select_for_update(of=("self",))
        .select_related("action_type")
        .get(pk=session.pk)
    )
    _require(by, session.platform_id)
    _refuse_if_cancelled(session)
    if pathway.platform_id != session.platform_id:
        raise InvalidInput(
            "Parcours inconnu : vérifiez pathway_id.", errors={"pathway_id": "Parcours inconnu."}
        )
    if pathway.status != PathwayStatus.OPEN:
        raise Conflict("Ce parcours est clôturé : on ne peut plus y inscrire la personne.")
    # A past session stays open: a paper sheet is often typed in afterwards.
    if timezone.localdate(session.start) < pathway.opened_on:
        raise InvalidInput(
            "Cette séance précède l'ouverture du parcours de la personne.",
            errors={"pathway_id": "Séance antérieure au parcours."},
        )
    registrations = WorkshopRegistration.objects.filter(session=session)
    if registrations.filter(pathway=pathway).exists():
        raise Conflict("Cette personne est déjà inscrite à cette séance.")
    if rules.is_full(capacity=session.capacity, registered=registrations.count()):
        raise Conflict(rules.full_message(session.capacity))
    registration = save_with_author(
        WorkshopRegistration(
            platform_id=session.platform_id, session=session, pathway=pathway, registered_by=by
        ),
        by=by,
    )
    _notify(
        pathway,
        event=NotificationEvent.WORKSHOP_REGISTERED,
        by=by,
        context=_session_context(session),
    )
    return registration


@dataclass(frozen=True)
class AttendanceRow:
    pathway_id: int
    status: str
    reason: str = ""


@transaction.atomic
def attendance_record(
    *, by: User, session: WorkshopSession, rows: list[AttendanceRow]
) -> list[WorkshopRegistration]:
    """Fill in (or correct) a session's attendance sheet in one go, once it has started.

    Each new unexcused absence is told to the person's referents the same day."""
    session = (
        WorkshopSession.objects.select_for_update(of=("self",))
        .select_related("action_type")
        .get(pk=session.pk)
    )
    _require(by, session.platform_id)
    _refuse_if_cancelled(session)
    now = timezone.now()
    if not session.has_started(now):
        raise Conflict(
            "Cette séance n'a pas encore commencé : l'émargement s'ouvre à son début "
            f"({timezone.localtime(session.start):%d/%m/%Y à %H:%M})."
        )
    if not rows:
        raise InvalidInput("La feuille d'émargement est vide.")
    registered = {
        registration.pathway_id: registration
        for registration in WorkshopRegistration.objects.select_for_update(of=("self",))
        .filter(session=session)
        .select_related("pathway")
    }
    errors = {}
    seen = set()
    for row in rows:
        key = str(row.pathway_id)
        if row.pathway_id in seen:
            errors[f"{key}.pathway_id"] = "Cette personne figure deux fois sur la feuille."
            continue
        seen.add(row.pathway_id)
        if row.pathway_id not in registered:
            errors[f"{key}.pathway_id"] = (
                f"Le parcours n° {row.pathway_id} n'est pas inscrit à cette séance."
            )
            continue
        problems = rules.attendance_row_problems(status=row.status, reason=row.reason)
        errors.update({f"{key}.{field}": message for field, message in problems.items()})
    if errors:
        raise InvalidInput(
            "La feuille d'émargement contient des erreurs : " + " ".join(errors.values()),
            errors=errors,
        )
    saved = []
    for row in rows:
        registration = registered[row.pathway_id]
        previous = registration.attendance
        reason = (row.reason or "").strip()
        if previous == row.status and registration.reason == reason:
            saved.append(registration)
            continue
        registration.attendance = row.status
        registration.reason = reason
        registration.recorded_by = by
        registration.recorded_at = now
        saved.append(save_with_author(registration, by=by))
        if row.status == WorkshopAttendance.UNEXCUSED and previous != row.status:
            _notify(
                registration.pathway,
                event=NotificationEvent.WORKSHOP_ABSENCE,
                by=by,
                context=_session_context(session),
            )
    return saved


# ---- individual actions


@transaction.atomic
def attendance_sheet_submit(
    *,
    by: User,
    session: WorkshopSession,
    rows: list[AttendanceRow],
    signatures: dict[str, bytes] | None = None,
    closing: bytes | None = None,
) -> list[WorkshopRegistration]:
    """The tablet's one submit: the statuses, each present or late person's signature and,
    with the facilitator's closing signature, the frozen signed sheet
    (mobility.attendance_sheets.sheet_sign), all or nothing."""
    saved = attendance_record(by=by, session=session, rows=rows)
    sheet_sign(
        sheet=selectors.sheet_of(session),
        platform_id=session.platform_id,
        by=by,
        signatures=signatures or {},
        closing=closing,
    )
    return saved


def _sheet_session(by: User, session: WorkshopSession) -> WorkshopSession:
    session = WorkshopSession.objects.select_for_update().get(pk=session.pk)
    _require(by, session.platform_id)
    _refuse_if_cancelled(session)
    if not session.has_started():
        raise Conflict("Cette séance n'a pas encore commencé : il n'y a pas encore de feuille.")
    return session


@transaction.atomic
def attendance_sheet_close(*, by: User, session: WorkshopSession, closing: bytes) -> None:
    """The facilitator's closing signature alone (the API's second call after the rows)."""
    session = _sheet_session(by, session)
    sheet_sign(
        sheet=selectors.sheet_of(session),
        platform_id=session.platform_id,
        by=by,
        signatures={},
        closing=closing,
    )


@transaction.atomic
def attendance_sheet_attach_scan(*, by: User, session: WorkshopSession, file) -> None:
    """Attach the scan of the session's printed sheet, signed by hand, as its proof."""
    session = _sheet_session(by, session)
    sheet_attach_scan(
        sheet=selectors.sheet_of(session), platform_id=session.platform_id, file=file, by=by
    )


@dataclass(frozen=True)
class ActionData:
    date: date
    duration_minutes: int | None = None
    trips: int | None = None
    km: Decimal | None = None
    partner: Organisation | None = None
    outcome: str = ""
    amount: Decimal | None = None
    funder: Organisation | None = None
    decision: str = ""
    notes: str = ""


def _organisation(organisation, *, platform_id: int, kind: str, field: str, what: str):
    if organisation is None:
        return None
    if (
        organisation.platform_id != platform_id
        or organisation.kind != kind
        or organisation.archived_at
    ):
        raise InvalidInput(
            f"Ce {what} n'est pas un {what} actif de la plateforme.",
            errors={field: f"Choisissez un {what} de la plateforme."},
        )
    return organisation


def _action_context(action: Action) -> dict:
    return {
        "action": action.action_type.label,
        "date": action.date,
        "partner": action.partner.name if action.partner else "",
        "outcome": action.get_outcome_display(),
        "amount": formats.localize(action.amount) if action.amount is not None else "",
        "funder": action.funder.name if action.funder else "",
        "decision": action.get_decision_display(),
    }


@transaction.atomic
def action_record(
    *, by: User, pathway: Pathway, action_type: ActionType, data: ActionData
) -> Action:
    """Record an individual action on an open pathway; the referent hears of an orientation
    and of an aid's decision."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    _require(by, pathway.platform_id)
    return _create_action(by=by, pathway=pathway, action_type=action_type, data=data)


def _create_action(
    *, by: User, pathway: Pathway, action_type: ActionType, data: ActionData, announced=False
) -> Action:
    """The checks and the write of `action_record`, once the caller's right is checked and
    the pathway locked; `announced`: the referent already heard of this orientation."""
    if action_type.platform_id != pathway.platform_id:
        raise InvalidInput(
            "Type d'action inconnu : vérifiez type_id.", errors={"type_id": "Type inconnu."}
        )
    if pathway.status != PathwayStatus.OPEN:
        raise Conflict("Ce parcours est clôturé : on n'y note plus de nouvelle action.")
    outcome = data.outcome or (
        OrientationOutcome.PENDING if action_type.kind == ActionKind.ORIENTATION else ""
    )
    errors = rules.action_problems(
        rules.ActionInput(
            kind=action_type.kind,
            date=data.date,
            duration_minutes=data.duration_minutes,
            trips=data.trips,
            km=data.km,
            has_partner=data.partner is not None,
            outcome=data.outcome,
            amount=data.amount,
            has_funder=data.funder is not None,
            decision=data.decision,
        ),
        today=timezone.localdate(),
        opened_on=pathway.opened_on,
    )
    if action_type.archived_at and "type_id" not in errors:
        errors["type_id"] = "Cette action est retirée du catalogue."
    if errors:
        raise InvalidInput(
            "L'action contient des erreurs : " + " ".join(errors.values()), errors=errors
        )
    partner = _organisation(
        data.partner,
        platform_id=pathway.platform_id,
        kind=OrganisationKind.PARTNER,
        field="partner_id",
        what="partenaire",
    )
    funder = _organisation(
        data.funder,
        platform_id=pathway.platform_id,
        kind=OrganisationKind.FUNDER,
        field="funder_id",
        what="financeur",
    )
    action = save_with_author(
        Action(
            platform_id=pathway.platform_id,
            pathway=pathway,
            action_type=action_type,
            kind=action_type.kind,
            date=data.date,
            duration_minutes=data.duration_minutes,
            trips=data.trips,
            km=data.km,
            partner=partner,
            outcome=outcome,
            amount=data.amount,
            funder=funder,
            decision=data.decision,
            notes=(data.notes or "").strip(),
            created_by=by,
        ),
        by=by,
    )
    if action.kind == ActionKind.ORIENTATION and not announced:
        _notify(
            pathway,
            event=NotificationEvent.ORIENTATION_SENT,
            by=by,
            context=_action_context(action),
        )
        if action.outcome != OrientationOutcome.PENDING:
            _notify(
                pathway,
                event=NotificationEvent.ORIENTATION_OUTCOME,
                by=by,
                context=_action_context(action),
            )
    elif action.kind == ActionKind.FINANCIAL_AID:
        _notify(
            pathway, event=NotificationEvent.AID_DECIDED, by=by, context=_action_context(action)
        )
    return action


@transaction.atomic
def action_follow_up(
    *,
    by: User,
    action: Action,
    outcome: str | None = None,
    decision: str | None = None,
    paid_on: date | None = None,
) -> Action:
    """Record what happened next: an orientation's outcome, an aid's decision or payment.

    Allowed on a closed pathway too: the partner or the funder may answer after the exit.
    The referent hears of a new outcome and of a changed decision."""
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("action_type", "partner", "funder", "pathway")
        .get(pk=action.pk)
    )
    _require(by, action.platform_id)
    return _follow_up(by=by, action=action, outcome=outcome, decision=decision, paid_on=paid_on)


def _follow_up(
    *,
    by: User,
    action: Action,
    outcome: str | None = None,
    decision: str | None = None,
    paid_on: date | None = None,
) -> Action:
    """The checks and the write of `action_follow_up`, on the locked action, once the
    caller's right is checked."""
    if outcome is None and decision is None and paid_on is None:
        raise InvalidInput("Rien à noter : indiquez outcome, decision ou paid_on.")
    errors = {}
    if outcome is not None:
        problem = rules.outcome_change_problem(
            kind=action.kind, current=action.outcome, target=outcome
        )
        if problem:
            errors["outcome"] = problem
    new_decision = action.decision if decision is None else decision
    if decision is not None:
        problem = rules.decision_change_problem(
            kind=action.kind, paid_on=action.paid_on, target=decision
        )
        if problem:
            errors["decision"] = problem
    if paid_on is not None and "decision" not in errors:
        problem = rules.paid_on_problem(
            kind=action.kind,
            decision=new_decision,
            paid_on=paid_on,
            action_date=action.date,
            today=timezone.localdate(),
        )
        if problem:
            errors["paid_on"] = problem
    if errors:
        # A final outcome asked to change is a conflict with the current state.
        if (
            set(errors) == {"outcome"}
            and action.kind == ActionKind.ORIENTATION
            and outcome in OrientationOutcome.values
        ):
            raise Conflict(errors["outcome"])
        raise InvalidInput(" ".join(errors.values()), errors=errors)
    outcome_changed = outcome is not None and outcome != action.outcome
    decision_changed = decision is not None and decision != action.decision
    if not (outcome_changed or decision_changed or (paid_on and paid_on != action.paid_on)):
        return action
    if outcome_changed:
        action.outcome = outcome
    if decision_changed:
        action.decision = decision
        if decision != AidDecision.GRANTED:
            action.paid_on = None
    if paid_on is not None:
        action.paid_on = paid_on
    save_with_author(action, by=by)
    if outcome_changed and outcome != OrientationOutcome.PENDING:
        _notify(
            action.pathway,
            event=NotificationEvent.ORIENTATION_OUTCOME,
            by=by,
            context=_action_context(action),
        )
    if decision_changed:
        _notify(
            action.pathway,
            event=NotificationEvent.AID_DECIDED,
            by=by,
            context=_action_context(action),
        )
    return action


# ---- orientations made by another module (the fleet's microcredit, through the registry)


@transaction.atomic
def orientation_from_module(
    *,
    by: User,
    pathway: Pathway,
    answers: str,
    partner: Organisation,
    day: date,
    outcome: str,
    announced: bool,
) -> Action | None:
    """Record, or follow up, the pathway's orientation to `partner` of the catalogue entry
    answering `answers`, as another module noted it. The module checked its caller's right
    (fleet staff record a microcredit); the catalogue's checks and the history apply as for
    any orientation. None when the platform's catalogue has no such orientation."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    action_type = next(
        (
            entry
            for entry in ActionType.objects.filter(
                platform_id=pathway.platform_id, kind=ActionKind.ORIENTATION, archived_at=None
            ).order_by("pk")
            if answers in entry.answers
        ),
        None,
    )
    if action_type is None:
        return None
    existing = (
        Action.objects.select_for_update(of=("self",))
        .select_related("action_type", "partner", "funder", "pathway")
        .filter(pathway=pathway, action_type=action_type, partner=partner)
        .order_by("-pk")
        .first()
    )
    if existing is None:
        return _create_action(
            by=by,
            pathway=pathway,
            action_type=action_type,
            data=ActionData(date=day, partner=partner, outcome=outcome),
            announced=announced,
        )
    if existing.outcome == outcome:
        return existing
    return _follow_up(by=by, action=existing, outcome=outcome)
