"""Accompaniment actions API router (docs/api.md, "Accompaniment actions"), mounted at
/api/v1/. Handlers parse, scope with `for_user`, call one service and shape the answer;
the rules live in accompaniment.rules and accompaniment.services.
"""

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Body, Router, Status
from ninja.pagination import paginate

from accompaniment import selectors, services
from accompaniment.enums import ACTION_ROLES
from accompaniment.models import Action, ActionType, WorkshopRegistration, WorkshopSession
from accompaniment.rules import MAX_CAPACITY
from accompaniment.schemas import (
    ActionIn,
    ActionOut,
    ActionPatchIn,
    ActionTypeIn,
    ActionTypeOut,
    AttendanceIn,
    RegistrationIn,
    RegistrationOut,
    SessionCancelIn,
    SessionIn,
    SessionOut,
)
from mobility.attendance_sheets_api import (
    SheetCloseIn,
    SheetProofOut,
    row_signatures,
    sheet_file_response,
    sheet_proof_out,
)
from mobility.bounds import Id, Moment
from mobility.enums import OrganisationKind, Role
from mobility.errors import Forbidden, InvalidInput
from mobility.models import Organisation, Pathway, Platform, User
from mobility.pagination import LimitOffsetPagination
from mobility.signatures import decode_signature

router = Router(tags=["Actions d'accompagnement"])
# A sheet has one row per person registered: never more than a session holds.
ATTENDANCE_SHEET = Body(..., max_length=MAX_CAPACITY)


def _require(request: HttpRequest, roles=ACTION_ROLES) -> None:
    if not request.user.has_role(*roles):
        raise Forbidden("Votre rôle ne donne pas accès aux actions d'accompagnement.")


def sessions_for(request: HttpRequest):
    _require(request)
    return (
        WorkshopSession.objects.for_user(request.user)
        .select_related("action_type")
        .prefetch_related(
            Prefetch(
                "registrations",
                queryset=WorkshopRegistration.objects.select_related(
                    "pathway__beneficiary"
                ).order_by("pk"),
            )
        )
    )


def actions_for(request: HttpRequest):
    _require(request)
    return Action.objects.for_user(request.user).select_related("action_type")


def _pathway(request: HttpRequest, pathway_id: int) -> Pathway:
    _require(request)
    return get_object_or_404(Pathway.objects.for_user(request.user), pk=pathway_id)


# ---- catalogue


@router.get("/actions/types", response=list[ActionTypeOut], summary="Lire le catalogue")
@paginate(LimitOffsetPagination)
def list_types(request: HttpRequest, kind: str | None = None):
    _require(request)
    types = ActionType.objects.for_user(request.user).active().order_by("kind", "label", "pk")
    if kind:
        types = types.filter(kind=kind)
    return types


@router.post(
    "/actions/types", response={201: ActionTypeOut}, summary="Ajouter une action au catalogue"
)
def create_type(request: HttpRequest, payload: ActionTypeIn):
    admin_platforms = request.user.platform_ids({Role.ADMIN})
    if not admin_platforms:
        raise Forbidden("Seul·es les administrateur·rices de la plateforme modifient le catalogue.")
    if payload.platform is None and len(admin_platforms) > 1:
        raise InvalidInput(
            "Vous administrez plusieurs plateformes : précisez le champ platform.",
            errors={"platform": "Précisez la plateforme."},
        )
    platform_id = payload.platform or next(iter(admin_platforms))
    platform = Platform.objects.filter(pk=platform_id, pk__in=admin_platforms).first()
    if platform is None:
        raise InvalidInput("Plateforme inconnue.", errors={"platform": "Plateforme inconnue."})
    action_type = services.action_type_create(
        by=request.user,
        platform=platform,
        code=payload.code,
        kind=payload.kind,
        label=payload.label,
        answers=payload.answers,
    )
    return Status(201, action_type)


# ---- workshop sessions


@router.get("/actions/sessions", response=list[SessionOut], summary="Lister les séances d'atelier")
@paginate(LimitOffsetPagination)
def list_sessions(
    request: HttpRequest,
    start: Moment | None = None,
    end: Moment | None = None,
    type_id: Id | None = None,
):
    sessions = sessions_for(request)
    if start:
        sessions = sessions.filter(start__gte=start)
    if end:
        sessions = sessions.filter(start__lt=end)
    if type_id:
        sessions = sessions.filter(action_type_id=type_id)
    return sessions.order_by("start", "pk")


@router.post(
    "/actions/sessions", response={201: SessionOut}, summary="Programmer une séance d'atelier"
)
def create_session(request: HttpRequest, payload: SessionIn):
    _require(request)
    action_type = ActionType.objects.for_user(request.user).filter(pk=payload.type_id).first()
    if action_type is None:
        raise InvalidInput(
            "Type d'action inconnu : vérifiez type_id.", errors={"type_id": "Type inconnu."}
        )
    facilitator = None
    if payload.facilitator_id is not None:
        facilitator = User.objects.filter(pk=payload.facilitator_id, is_active=True).first()
        if facilitator is None:
            raise InvalidInput(
                "Animateur·rice inconnu·e.", errors={"facilitator_id": "Personne inconnue."}
            )
    funder = None
    if payload.funder_id is not None:
        funder = Organisation.objects.filter(pk=payload.funder_id).first()
        if funder is None:
            raise InvalidInput(
                "Financeur inconnu.",
                errors={"funder_id": "Choisissez un financeur de la plateforme."},
            )
    session = services.session_schedule(
        by=request.user,
        action_type=action_type,
        start=payload.start,
        duration_minutes=payload.duration_minutes,
        place=payload.place,
        capacity=payload.capacity,
        facilitator=facilitator,
        funder=funder,
    )
    return Status(201, sessions_for(request).get(pk=session.pk))


@router.get("/actions/sessions/{session_id}", response=SessionOut, summary="Lire une séance")
def get_session(request: HttpRequest, session_id: Id):
    return get_object_or_404(sessions_for(request), pk=session_id)


@router.post(
    "/actions/sessions/{session_id}/cancel",
    response=SessionOut,
    summary="Annuler une séance (409 si déjà annulée ou émargement commencé)",
)
def cancel_session(request: HttpRequest, session_id: Id, payload: SessionCancelIn):
    session = get_object_or_404(sessions_for(request), pk=session_id)
    services.session_cancel(by=request.user, session=session, reason=payload.reason)
    return sessions_for(request).get(pk=session_id)


@router.post(
    "/actions/sessions/{session_id}/registrations",
    response={201: RegistrationOut},
    summary="Inscrire une personne à une séance (409 si complète ou déjà inscrite)",
)
def register(request: HttpRequest, session_id: Id, payload: RegistrationIn):
    session = get_object_or_404(sessions_for(request), pk=session_id)
    pathway = Pathway.objects.for_user(request.user).filter(pk=payload.pathway_id).first()
    if pathway is None or pathway.platform_id != session.platform_id:
        raise InvalidInput(
            "Parcours inconnu : vérifiez pathway_id.", errors={"pathway_id": "Parcours inconnu."}
        )
    registration = services.registration_create(by=request.user, session=session, pathway=pathway)
    return Status(
        201,
        WorkshopRegistration.objects.select_related("pathway__beneficiary").get(pk=registration.pk),
    )


@router.post(
    "/actions/sessions/{session_id}/attendance",
    response=list[RegistrationOut],
    summary="Remplir la feuille d'émargement d'une séance",
    description=(
        "Une ligne par personne inscrite ; `signature` (facultative) : la signature de la "
        "personne présente ou en retard, enregistrée avec les émargements, tout ou rien. La "
        "feuille se clôt ensuite par `POST /actions/sessions/{session_id}/sheet/close`."
    ),
)
def record_attendance(
    request: HttpRequest, session_id: Id, payload: list[AttendanceIn] = ATTENDANCE_SHEET
):
    session = get_object_or_404(sessions_for(request), pk=session_id)
    services.attendance_sheet_submit(
        by=request.user,
        session=session,
        signatures=row_signatures(payload, lambda row: row.pathway_id),
        rows=[
            services.AttendanceRow(pathway_id=row.pathway_id, status=row.status, reason=row.reason)
            for row in payload
        ],
    )
    return (
        WorkshopRegistration.objects.filter(session_id=session_id)
        .select_related("pathway__beneficiary")
        .order_by("pk")
    )


# ---- the signed attendance sheet


def _proof(sheet) -> dict:
    return sheet_proof_out(
        sheet, pdf_route="api:workshop_sheet_pdf", scan_route="api:workshop_sheet_scan"
    )


def _sheet(request: HttpRequest, session_id: int):
    session = get_object_or_404(sessions_for(request), pk=session_id)
    return session, selectors.sheet_of(session)


@router.get(
    "/actions/sessions/{session_id}/sheet",
    response=SheetProofOut,
    summary="Lire la preuve de la feuille d'émargement d'une séance",
    description="Quelle preuve existe (signée sur tablette, scan papier, pas encore), "
    "les lignes signées et les signatures qui manquent, les liens des fichiers.",
)
def workshop_sheet(request: HttpRequest, session_id: Id):
    _session, sheet = _sheet(request, session_id)
    return _proof(sheet)


@router.post(
    "/actions/sessions/{session_id}/sheet/close",
    response=SheetProofOut,
    summary="Clore la feuille d'émargement par la signature de l'animateur·rice",
    description="Fige la feuille en PDF (chaque signature, nom, date et heure, empreinte "
    "du contenu). 422 s'il manque la signature d'une personne présente ou en retard, 409 "
    "si la feuille est déjà close et n'a pas changé.",
)
def workshop_sheet_close(request: HttpRequest, session_id: Id, payload: SheetCloseIn):
    session = get_object_or_404(sessions_for(request), pk=session_id)
    services.attendance_sheet_close(
        by=request.user, session=session, closing=decode_signature(payload.signature)
    )
    return _proof(selectors.sheet_of(session))


@router.get(
    "/actions/sessions/{session_id}/sheet/pdf",
    url_name="workshop_sheet_pdf",
    summary="Télécharger le PDF de la feuille signée d'une séance",
    description="Le PDF figé de la version close (404 tant qu'elle ne l'est pas) ; "
    "chaque lecture est inscrite au journal des consultations des personnes.",
    response={200: None},
)
def workshop_sheet_pdf(request: HttpRequest, session_id: Id):
    _session, sheet = _sheet(request, session_id)
    return sheet_file_response(sheet, which="pdf", user=request.user)


@router.get(
    "/actions/sessions/{session_id}/sheet/scan",
    url_name="workshop_sheet_scan",
    summary="Télécharger le scan de la feuille signée sur papier d'une séance",
    response={200: None},
)
def workshop_sheet_scan(request: HttpRequest, session_id: Id):
    _session, sheet = _sheet(request, session_id)
    return sheet_file_response(sheet, which="scan", user=request.user)


# ---- individual actions


@router.get(
    "/pathways/{pathway_id}/actions",
    response=list[ActionOut],
    summary="Lister les actions individuelles d'un parcours",
)
@paginate(LimitOffsetPagination)
def list_pathway_actions(request: HttpRequest, pathway_id: Id):
    pathway = _pathway(request, pathway_id)
    return actions_for(request).filter(pathway=pathway).order_by("date", "pk")


def _organisation(request: HttpRequest, organisation_id, kind: str, field: str, what: str):
    if organisation_id is None:
        return None
    organisation = (
        Organisation.objects.for_user(request.user).filter(pk=organisation_id, kind=kind).first()
    )
    if organisation is None:
        raise InvalidInput(f"{what} inconnu.", errors={field: f"{what} inconnu."})
    return organisation


@router.post(
    "/pathways/{pathway_id}/actions",
    response={201: ActionOut},
    summary="Noter une action individuelle sur un parcours",
)
def create_action(request: HttpRequest, pathway_id: Id, payload: ActionIn):
    pathway = _pathway(request, pathway_id)
    action_type = ActionType.objects.for_user(request.user).filter(pk=payload.type_id).first()
    if action_type is None:
        raise InvalidInput(
            "Type d'action inconnu : vérifiez type_id.", errors={"type_id": "Type inconnu."}
        )
    partner = _organisation(
        request, payload.partner_id, OrganisationKind.PARTNER, "partner_id", "Partenaire"
    )
    funder = _organisation(
        request, payload.funder_id, OrganisationKind.FUNDER, "funder_id", "Financeur"
    )
    action = services.action_record(
        by=request.user,
        pathway=pathway,
        action_type=action_type,
        data=services.ActionData(
            date=payload.date,
            duration_minutes=payload.duration_minutes,
            trips=payload.trips,
            km=payload.km,
            partner=partner,
            outcome=payload.outcome or "",
            amount=payload.amount,
            funder=funder,
            decision=payload.decision or "",
            notes=payload.notes,
        ),
    )
    return Status(201, actions_for(request).get(pk=action.pk))


@router.get("/actions/{action_id}", response=ActionOut, summary="Lire une action individuelle")
def get_action(request: HttpRequest, action_id: Id):
    return get_object_or_404(actions_for(request), pk=action_id)


@router.patch(
    "/actions/{action_id}",
    response=ActionOut,
    summary="Noter la suite d'une action (suite d'une orientation, décision, versement)",
)
def follow_up_action(request: HttpRequest, action_id: Id, payload: ActionPatchIn):
    action = get_object_or_404(actions_for(request), pk=action_id)
    services.action_follow_up(
        by=request.user,
        action=action,
        outcome=payload.outcome,
        decision=payload.decision,
        paid_on=payload.paid_on,
    )
    return actions_for(request).get(pk=action_id)
