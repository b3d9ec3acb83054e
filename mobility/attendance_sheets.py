"""The signed attendance sheet of a session (a driving-school lesson, a workshop), shared
by the modules: its frozen PDF, rendered from what was signed (the document's content,
mobility.attendance_audit.sheet_payload) with each person's signature, the closing
signature of the instructor or facilitator, date and time, and the content hash.

Each module registers `render_sheet_pdf` for its kind of sheet (mobility/registry.py
`register_signed_pdf`); the funder's audit pack lays the same sheets in its one PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.attendance_audit import CLOSING_KEY, sheet_payload
from mobility.enums import SignerRole
from mobility.errors import Conflict, InvalidInput
from mobility.models import Signature, SignedDocument, User
from mobility.registry import FundedSession
from mobility.signatures import Proof, proof_label
from mobility.signing import (
    SignatureLine,
    current_document,
    is_stale,
    proof_of_document,
    signature_blocks,
    signatures_add,
    signed_document_attach_scan,
    signed_document_close,
    signed_document_new_version,
    signed_document_open,
)


def sheet_context(document: SignedDocument, signatures) -> dict:
    """What the sheet's template shows: the session and each line as signed, the line's
    signature (or none), the closing signature."""
    content = document.content
    blocks = {block["line"]: block for block in signature_blocks(signatures)}
    return {
        "document": document,
        "label": content.get("session", ""),
        "start": timezone.localtime(datetime.fromisoformat(content["start"])),
        "duration_minutes": content.get("duration_minutes"),
        "leader": content.get("leader", ""),
        "lines": [
            {**line, "signature": blocks.get(line["key"])} for line in content.get("lines", [])
        ],
        "closing": blocks.get(CLOSING_KEY),
    }


def render_sheet_pdf(document: SignedDocument, signatures: list[Signature]) -> bytes:
    """The frozen PDF of a closed sheet (the renderer of mobility.signing)."""
    from mobility.pdf import render_pdf

    return render_pdf(
        "mobility/attendance_sheet_pdf.html",
        {
            "sheet": sheet_context(document, signatures),
            "platform": document.platform,
            "printed_at": timezone.localtime(),
        },
    )


# ---- signing a sheet: the writes the modules' sheet pages and API call


@dataclass(frozen=True)
class SheetState:
    """What a sheet's page says of its proof, and the document behind it (if any)."""

    document: SignedDocument | None
    proof: Proof
    signed_keys: frozenset[str]


def sheet_state(sheet: FundedSession) -> SheetState:
    """The sheet's current signed document against today's sheet: which proof exists,
    whether the sheet changed since it was signed, which lines are signed (two queries)."""
    document = current_document(sheet.session, sheet.kind)
    if document is None:
        return SheetState(document=None, proof=proof_of_document_none(), signed_keys=frozenset())
    keys = frozenset(document.signatures.values_list("line", flat=True))
    return SheetState(
        document=document,
        proof=proof_of_document(document, sheet_payload(sheet)),
        signed_keys=keys,
    )


def proof_of_document_none() -> Proof:
    status, label = proof_label(proof=None, closed_at=None)
    return Proof(status=status, label=label)


def _people(sheet: FundedSession) -> list[int]:
    return [line.person_id for line in sheet.lines]


def _writable_version(sheet: FundedSession, *, platform_id: int, by: User) -> SignedDocument:
    """The version that takes new signatures or a scan: the current open one (following
    the sheet), or, when the closed one no longer matches the sheet, the next version (the
    closed one stays in the history). A closed sheet that still matches is refused."""
    payload = sheet_payload(sheet)
    current = current_document(sheet.session, sheet.kind)
    if current is not None and current.closed:
        if not is_stale(current, payload):
            raise Conflict(
                "Cette feuille est déjà signée et close. Pour la corriger, changez "
                "l'émargement : une nouvelle version s'ouvre, l'ancienne reste dans "
                "l'historique."
            )
        return signed_document_new_version(
            obj=sheet.session, kind=sheet.kind, payload=payload, people=_people(sheet), by=by
        )
    return signed_document_open(
        obj=sheet.session,
        kind=sheet.kind,
        payload=payload,
        platform=platform_id,
        people=_people(sheet),
        by=by,
    )


@transaction.atomic
def sheet_sign(
    *,
    sheet: FundedSession,
    platform_id: int,
    by: User,
    signatures: dict[str, bytes],
    closing: bytes | None = None,
) -> SignedDocument | None:
    """Record the lines signed on the tablet and, with the closing signature of the
    instructor or facilitator, freeze the sheet into its PDF; called in the transaction
    that records the sheet's attendance (one submit). `signatures` maps a line key to the
    drawn PNG (mobility.signatures.decode_signature).

    Only a present or late person signs their line; closing needs each of them signed.
    A sheet already closed whose attendance changed gets its next version (the signed
    one stays in the history); one that did not change refuses new signatures. With
    nothing signed, a closed sheet that changed is opened again the same way, so that the
    page offers the new version to sign. InvalidInput's errors are keyed by line."""
    lines = {line.key: line for line in sheet.lines}
    if not signatures and closing is None:
        current = current_document(sheet.session, sheet.kind)
        if current is not None and current.closed and is_stale(current, sheet_payload(sheet)):
            return signed_document_new_version(
                obj=sheet.session,
                kind=sheet.kind,
                payload=sheet_payload(sheet),
                people=_people(sheet),
                by=by,
            )
        return current
    errors = {}
    for key in signatures:
        line = lines.get(key)
        if line is None:
            errors[key] = "Cette personne n'est pas inscrite sur la feuille."
        elif not line.attended:
            errors[key] = (
                f"{line.person} n'est pas noté·e présent·e ou en retard : "
                "seule une personne venue signe sa ligne."
            )
    if errors:
        raise InvalidInput(
            "Des signatures ne correspondent pas à l'émargement : " + " ".join(errors.values()),
            errors=errors,
        )
    document = _writable_version(sheet, platform_id=platform_id, by=by)
    to_sign = [
        SignatureLine(
            line=key,
            signer_role=SignerRole.BENEFICIARY,
            signer_name=lines[key].person,
            image=image,
            beneficiary_id=lines[key].person_id,
        )
        for key, image in signatures.items()
    ]
    required = [line.key for line in sheet.lines if line.attended]
    if closing is not None:
        signed = set(document.signatures.values_list("line", flat=True)) | set(signatures)
        unsigned = [lines[key].person for key in required if key not in signed]
        if unsigned:
            message = (
                "Pour clore la feuille, il manque la signature de : " + ", ".join(unsigned) + "."
            )
            raise InvalidInput(message, errors={CLOSING_KEY: message})
        to_sign.append(
            SignatureLine(
                line=CLOSING_KEY,
                signer_role=SignerRole.STAFF,
                signer_name=by.get_full_name() or by.username,
                image=closing,
            )
        )
    signatures_add(document=document, lines=to_sign, by=by)
    if closing is not None:
        document = signed_document_close(
            document=document, by=by, required_lines=[*required, CLOSING_KEY]
        )
    return document


@transaction.atomic
def sheet_attach_scan(*, sheet: FundedSession, platform_id: int, file, by: User) -> SignedDocument:
    """The paper path: the scan of the printed sheet, signed by hand, is the sheet's proof
    (PDF, JPEG or PNG, checked as documents/ checks a person's document)."""
    document = _writable_version(sheet, platform_id=platform_id, by=by)
    return signed_document_attach_scan(document=document, file=file, by=by)


def page_context(sheet: FundedSession, *, scan_url: str) -> dict:
    """What a sheet's page shows of its proof: the sentence, the links to the frozen PDF or
    the scan, whether the closed sheet still matches (then its pads are hidden: changing
    the attendance opens the next version), the lines already signed on the open
    version, and where a scan of the paper sheet is sent."""
    state = sheet_state(sheet)
    document = state.document
    closed = bool(document and document.closed)
    return {
        "sheet_proof": state.proof,
        "sheet_document": document,
        "sheet_locked": closed and not state.proof.stale,
        "signed_keys": frozenset() if closed else state.signed_keys,
        "scan_url": scan_url,
        "scan_form": SheetScanForm(),
    }


class SheetScanForm(forms.Form):
    scan = forms.FileField(
        label=_("Scan de la feuille signée sur papier"),
        help_text=_("PDF, JPEG ou PNG : la feuille imprimée, signée à la main par chacun·e."),
    )
