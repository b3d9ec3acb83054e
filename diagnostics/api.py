"""Diagnostics API router (docs/api.md, "Diagnostics"), mounted under /api/v1/.

Handlers parse, scope with `for_user`, call one service and shape the answer.
"""

from dataclasses import asdict

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from diagnostics import selectors, services
from diagnostics.models import Diagnostic
from diagnostics.schemas import DiagnosticIn, DiagnosticOut, ProgressOut, QuestionnaireOut
from mobility.bounds import Id
from mobility.enums import STAFF_ROLES
from mobility.errors import Forbidden
from mobility.models import Pathway
from mobility.visibility import DIAGNOSTICS, user_sees

router = Router(tags=["Diagnostics et potentiel de mobilité"])


def require_staff(request: HttpRequest) -> None:
    if not request.user.has_role(*STAFF_ROLES):
        raise Forbidden("Votre rôle ne donne pas accès aux diagnostics.")


def require_diagnostics_of(request: HttpRequest, platform_id: int) -> None:
    # Fleet staff and instructors do not read the answers (mobility/visibility.py).
    if not user_sees(request.user, platform_id, DIAGNOSTICS):
        raise Forbidden("Votre rôle ne donne pas accès aux diagnostics.")


def diagnostic_out(diagnostic: Diagnostic) -> dict:
    result = diagnostic.result()
    return {
        "id": diagnostic.pk,
        "pathway_id": diagnostic.pathway_id,
        "kind": diagnostic.kind,
        "date": diagnostic.taken_on,
        "questionnaire_version": diagnostic.questionnaire.version,
        "mobility_potential": diagnostic.mobility_potential,
        "dimensions": diagnostic.dimension_scores,
        "orientation_group": diagnostic.orientation_group,
        "recommendations": diagnostic.recommendations,
        "explanation": [asdict(factor) for factor in result.explanation],
    }


@router.get(
    "/diagnostics/questionnaire",
    response=QuestionnaireOut,
    summary="Lire le questionnaire de diagnostic en service",
)
def get_questionnaire(request: HttpRequest):
    require_staff(request)
    questionnaire = services.current_questionnaire()
    definition = questionnaire.parsed
    return {
        "version": questionnaire.version,
        "title": questionnaire.title,
        "published_at": questionnaire.published_at.isoformat(),
        "dimensions": [asdict(d) for d in definition.dimensions],
        "questions": [asdict(q) for q in definition.questions],
        "orientation_groups": [asdict(g) for g in definition.groups],
        "services": dict(definition.services),
    }


@router.post(
    "/diagnostics", response={201: DiagnosticOut}, summary="Enregistrer un diagnostic complet"
)
def create_diagnostic(request: HttpRequest, payload: DiagnosticIn):
    require_staff(request)
    pathway = get_object_or_404(Pathway.objects.for_user(request.user), pk=payload.pathway_id)
    diagnostic = services.diagnostic_record(
        pathway=pathway,
        kind=payload.kind,
        taken_on=payload.date,
        answers=payload.answers,
        by=request.user,
        questionnaire_version=payload.questionnaire_version,
    )
    return Status(201, diagnostic_out(diagnostic))


@router.get("/diagnostics/{diagnostic_id}", response=DiagnosticOut, summary="Lire un diagnostic")
def get_diagnostic(request: HttpRequest, diagnostic_id: Id):
    require_staff(request)
    diagnostic = get_object_or_404(
        Diagnostic.objects.for_user(request.user).completed().select_related("questionnaire"),
        pk=diagnostic_id,
    )
    require_diagnostics_of(request, diagnostic.platform_id)
    return diagnostic_out(diagnostic)


@router.get(
    "/pathways/{pathway_id}/progress",
    response=ProgressOut,
    summary="Progression du potentiel de mobilité (sortie moins entrée)",
    description="Tant que le diagnostic de sortie n'est pas fait, `exit`, `delta` et les "
    "écarts par dimension valent null (réponse 200).",
)
def get_progress(request: HttpRequest, pathway_id: Id):
    require_staff(request)
    pathway = get_object_or_404(
        Pathway.objects.for_user(request.user).prefetch_related(
            Prefetch("diagnostics", queryset=Diagnostic.objects.completed())
        ),
        pk=pathway_id,
    )
    require_diagnostics_of(request, pathway.platform_id)
    return asdict(selectors.pathway_progress(pathway.diagnostics.all()))
