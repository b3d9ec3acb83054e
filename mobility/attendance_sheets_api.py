"""What the modules' APIs share for a signed attendance sheet: the proof's JSON shape, the
closing signature's body, the per-line signature field, and the reading of the frozen PDF
or scan (checked by role and platform, logged)."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.urls import reverse
from ninja import Field, Schema

from mobility.attendance_audit import SheetProof, missing_signatures
from mobility.attendance_sheets import sheet_state
from mobility.file_downloads import stored_file_response
from mobility.models import SignedDocument, User
from mobility.registry import FundedSession
from mobility.signatures import decode_signature
from mobility.signing import signed_file_open

SIGNATURE_DESCRIPTION = (
    "Signature dessinée sur la tablette : image PNG en adresse `data:image/png;base64,…` "
    "(200 Ko au plus, non vide). Refusée (422) pour une personne qui n'est ni présente ni "
    "en retard."
)


class SheetCloseIn(Schema):
    signature: str = Field(
        ...,
        description="Signature du moniteur ou de l'animateur·rice qui clôt la feuille : "
        "image PNG en adresse `data:image/png;base64,…`. Chaque personne présente ou en "
        "retard doit avoir signé sa ligne (422 sinon, avec les noms).",
        max_length=300_000,
    )


class SheetLineOut(Schema):
    line: str = Field(
        ...,
        description="Clé de la ligne : `attendance:<id>` (inscription "
        "à l'auto-école, ou parcours pour un atelier).",
    )
    person: str
    status: str = Field(..., description="Émargement (vide tant qu'il n'est pas noté).")
    signed: bool


class MissingOut(Schema):
    line: str
    who: str
    what: str


class SheetProofOut(Schema):
    kind: str = Field(..., description="`lesson_sheet` ou `workshop_sheet`.")
    session_id: int
    status: str = Field(
        ...,
        description="`tablet` (signée sur tablette et close), `paper` (scan papier joint), "
        "`pending` (des lignes signées, pas encore close) ou `none`.",
    )
    label: str = Field(..., description="La phrase de la page : « Signé sur tablette le … ».")
    stale: bool = Field(
        ...,
        description="La feuille a changé depuis sa signature : une nouvelle version "
        "s'ouvre au prochain émargement.",
    )
    version: int | None
    document_id: int | None
    closed_at: datetime | None
    content_hash: str | None = Field(None, description="SHA-256 du contenu signé.")
    pdf_url: str | None = Field(None, description="Le PDF figé de la feuille signée.")
    scan_url: str | None = Field(None, description="Le scan de la feuille signée sur papier.")
    lines: list[SheetLineOut]
    missing: list[MissingOut] = Field(
        ..., description="Les signatures qui manquent encore (personnes venues, clôture)."
    )


def sheet_proof_out(sheet: FundedSession, *, pdf_route: str, scan_route: str) -> dict:
    """The sheet's proof as JSON (`pdf_route`, `scan_route`: the module's API URL names)."""
    state = sheet_state(sheet)
    document = state.document
    closed = bool(document and document.closed)
    valid = closed and not state.proof.stale
    signed = frozenset() if state.proof.stale else state.signed_keys
    proof = SheetProof(
        proof=document.proof if valid else "",
        signed_keys=signed,
        closed=valid,
    )
    args = [sheet.session.pk]
    return {
        "kind": sheet.kind,
        "session_id": sheet.session.pk,
        "status": state.proof.status,
        "label": state.proof.label,
        "stale": state.proof.stale,
        "version": document.version if document else None,
        "document_id": document.pk if document else None,
        "closed_at": document.closed_at if document else None,
        "content_hash": document.content_hash if closed else None,
        "pdf_url": reverse(pdf_route, args=args) if closed and document.pdf else None,
        "scan_url": reverse(scan_route, args=args) if closed and document.scan else None,
        "lines": [
            {
                "line": line.key,
                "person": line.person,
                "status": line.status,
                "signed": line.key in signed,
            }
            for line in sheet.lines
        ],
        "missing": [
            {"line": m.key, "who": m.who, "what": m.what} for m in missing_signatures(sheet, proof)
        ],
    }


def row_signatures(rows, key_of) -> dict[str, bytes]:
    """The signatures sent with the attendance rows (`row.signature`), decoded (a bad
    drawing is a 422 with its French reason), by line key."""
    return {
        f"attendance:{key_of(row)}": decode_signature(row.signature)
        for row in rows
        if row.signature
    }


def sheet_file_response(sheet: FundedSession, *, which: str, user: User):
    """The current version's frozen PDF or scan, for whoever reads the sheet's kind on its
    platform (404 otherwise), the reading logged for each person it names."""
    document = (
        SignedDocument.objects.for_user(user)
        .of(sheet.session, sheet.kind)
        .current()
        .filter(closed_at__isnull=False)
        .first()
    )
    stored = None if document is None else (document.scan if which == "scan" else document.pdf)
    if not stored:
        raise Http404("Cette feuille n'a pas de fichier signé.")
    content_type = document.scan_content_type if which == "scan" else "application/pdf"
    return stored_file_response(
        signed_file_open(document=document, which=which, by=user),
        filename=document.download_name(which),
        content_type=content_type,
        inline=content_type == "application/pdf",
    )
