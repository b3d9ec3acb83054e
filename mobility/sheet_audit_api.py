"""The funder's audit pack in the API (mounted at /api/v1/reports/): the sessions the
funder pays for in a period with their missing signatures as JSON, or the one PDF of the
signed sheets (mobility/sheet_audit.py decides; same rights as the page)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from mobility import sheet_audit
from mobility.attendance_sheets_api import MissingOut
from mobility.bounds import Id

router = Router(tags=["Rapports aux financeurs"])


class SignedSheetsQuery(Schema):
    start: date
    end: date
    funder: Id = Field(..., description="Le financeur (organisation de type financeur).")
    platform: Id | None = None
    format: Literal["json", "pdf"] = "json"


class AuditedSessionOut(Schema):
    kind: str = Field(..., description="`lesson_sheet` (auto-école) ou `workshop_sheet`.")
    session_id: int
    label: str
    start: datetime
    duration_minutes: int
    leader: str
    proof: str = Field(..., description="`tablet`, `paper` ou vide (pas encore close).")
    stale: bool = Field(..., description="Feuille modifiée depuis sa signature.")
    complete: bool
    missing: list[MissingOut]


class PersonHoursOut(Schema):
    person_id: int = Field(..., description="Le numéro de la personne (bénéficiaire).")
    person: str
    sessions: int
    hours: Decimal
    signed_sessions: int
    signed_hours: Decimal = Field(..., description="Heures sur les feuilles signées au complet.")


class SignedSheetsOut(Schema):
    platform: int
    funder: int
    start: date
    end: date
    complete: int
    incomplete: int
    sessions: list[AuditedSessionOut]
    hours: list[PersonHoursOut]


def pack_json(pack: sheet_audit.AuditPack) -> dict:
    return {
        "platform": pack.scope.platform.pk,
        "funder": pack.scope.funder.pk,
        "start": pack.scope.start,
        "end": pack.scope.end,
        "complete": len(pack.complete),
        "incomplete": len(pack.incomplete),
        "sessions": [
            {
                "kind": audited.session.kind,
                "session_id": audited.session.session.pk,
                "label": audited.session.label,
                "start": audited.session.start,
                "duration_minutes": audited.session.duration_minutes,
                "leader": audited.session.leader,
                "proof": "" if audited.stale else audited.proof,
                "stale": audited.stale,
                "complete": audited.complete,
                "missing": [{"line": m.key, "who": m.who, "what": m.what} for m in audited.missing],
            }
            for audited in pack.sessions
        ],
        "hours": [row.__dict__ for row in pack.totals],
    }


@router.get(
    "/signed-sheets",
    response={200: SignedSheetsOut},
    summary="Feuilles d'émargement signées des séances d'un financeur",
    description=(
        "Pour un financeur et la période [start, end] (dates incluses) : chaque séance "
        "qu'il finance déjà tenue (auto-école : la tranche de l'étape de chaque personne ; "
        "atelier : le financeur de la séance), sa preuve et les signatures qui manquent "
        "(`missing`), puis les heures de présence par personne. `format=pdf` renvoie le "
        "dossier PDF de chaque feuille signée et des heures (chaque lecture est inscrite au "
        "journal des consultations des personnes). Réservé aux administrateur·rices de la "
        "plateforme : le dossier nomme les personnes (403 pour les autres rôles, financeurs "
        "compris) ; financeur d'une autre plateforme ou période invalide : 422."
    ),
)
def signed_sheets(request: HttpRequest, filters: Query[SignedSheetsQuery]):
    scope = sheet_audit.resolve(
        request.user,
        sheet_audit.AuditRequest(
            start=filters.start, end=filters.end, funder=filters.funder, platform=filters.platform
        ),
    )
    pack = sheet_audit.audit_pack(scope)
    if filters.format == "json":
        return pack_json(pack)
    response = HttpResponse(
        sheet_audit.pack_pdf(pack, by=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{sheet_audit.pack_filename(pack.scope)}"'
    )
    return response
