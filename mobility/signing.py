"""Every write of the signed documents, shared by the modules (fleet, driving school,
workshops): open the current version of an object's document, add the signatures drawn on
the tablet, close it into a frozen PDF (rendered by the renderer the module registered in
mobility/registry.py), or attach the scan of a hand-signed paper instead; and the logged
reading of their files.

A document signs a *payload*: the JSON snapshot of what the person reads (names, dates,
amounts), given by the module. Its SHA-256 is stored; when the object's payload no longer
has that hash, the document is "modifié depuis la signature" and a new version is
opened, the old one staying, superseded, in the history.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from documents.rules import EXTENSIONS, sniff, upload_errors
from mobility.enums import FileAccessChannel, ProofKind, SignerRole
from mobility.errors import Conflict, Forbidden, InvalidInput
from mobility.models import Beneficiary, Platform, Signature, SignedDocument, User
from mobility.registry import registry
from mobility.services import file_access_record, save_with_author
from mobility.signatures import (
    STALE_LABEL,
    Proof,
    content_hash,
    may_sign,
    missing_lines,
    proof_label,
    snapshot,
)

__all__ = [
    "SignatureLine",
    "current_document",
    "is_stale",
    "proof_of",
    "signature_add",
    "signature_blocks",
    "signatures_add",
    "signed_document_attach_scan",
    "signed_document_close",
    "signed_document_new_version",
    "signed_document_open",
    "signed_file_open",
    "signed_pdf_context",
]


@dataclass(frozen=True)
class SignatureLine:
    """One line to sign: `image` is the PNG of mobility.signatures.decode_signature."""

    line: str
    signer_role: str
    signer_name: str
    image: bytes
    beneficiary_id: int | None = None


def _check_signer(by: User, platform_id: int, kind: str) -> None:
    if not may_sign(kind, by.roles_on(platform_id)):
        raise Forbidden("Votre rôle ne permet pas de faire signer ce document.")


def current_document(obj, kind: str) -> SignedDocument | None:
    """The current (not superseded) version of `obj`'s document of `kind`, if any."""
    return SignedDocument.objects.of(obj, kind).current().first()


def is_stale(document: SignedDocument, payload) -> bool:
    """The object no longer reads as what was signed (its payload's hash differs)."""
    return content_hash(payload) != document.content_hash


def _create_version(*, obj, kind, payload, platform: Platform | int, people, by, version):
    platform_id = platform if isinstance(platform, int) else platform.pk
    content = snapshot(payload)
    document = SignedDocument(
        platform_id=platform_id,
        kind=kind,
        target=obj,
        version=version,
        content=content,
        content_hash=content_hash(content),
        created_by=by,
    )
    save_with_author(document, by=by)
    people_ids = [p if isinstance(p, int) else p.pk for p in people]
    if people_ids:
        document.people.set(people_ids)
    return document


@transaction.atomic
def signed_document_open(
    *, obj, kind: str, payload, platform: Platform | int, people: Iterable, by: User
) -> SignedDocument:
    """The current version of `obj`'s document, opened as version 1 if there is none.

    An open version follows the object: without signatures its content is refreshed; with
    signatures given to an older content it is superseded by a new version (those
    signatures stay on the old one, in the history). A closed version is returned as it
    is: the page compares it with the payload (is_stale) and offers
    signed_document_new_version."""
    platform_id = platform if isinstance(platform, int) else platform.pk
    _check_signer(by, platform_id, kind)
    people = list(people)
    current = SignedDocument.objects.of(obj, kind).current().select_for_update().first()
    if current is None:
        return _create_version(
            obj=obj,
            kind=kind,
            payload=payload,
            platform=platform_id,
            people=people,
            by=by,
            version=1,
        )
    if current.closed or not is_stale(current, payload):
        return current
    if not current.signatures.exists():
        current.content = snapshot(payload)
        current.content_hash = content_hash(current.content)
        save_with_author(current, by=by)
        return current
    return _replace(current, obj=obj, payload=payload, people=people, by=by)


def _replace(current, *, obj, payload, people, by) -> SignedDocument:
    """Supersede `current` (kept, with its signatures and files) and open the next version."""
    current.superseded_at = timezone.now()
    save_with_author(current, by=by)
    return _create_version(
        obj=obj,
        kind=current.kind,
        payload=payload,
        platform=current.platform_id,
        people=people,
        by=by,
        version=current.version + 1,
    )


@transaction.atomic
def signed_document_new_version(
    *, obj, kind: str, payload, people: Iterable, by: User
) -> SignedDocument:
    """A new version to sign after the object changed: the closed current version is
    superseded (it stays, with its PDF or scan, in the history)."""
    current = SignedDocument.objects.of(obj, kind).current().select_for_update().first()
    if current is None:
        raise Conflict("Ce document n'a pas encore été signé : signez la version en cours.")
    _check_signer(by, current.platform_id, kind)
    if not current.closed:
        raise Conflict("La version en cours n'est pas encore signée : signez-la.")
    if not is_stale(current, payload):
        raise Conflict("Rien n'a changé depuis la signature : la version signée reste valable.")
    return _replace(current, obj=obj, payload=payload, people=list(people), by=by)


def _locked_open(document: SignedDocument) -> SignedDocument:
    document = SignedDocument.objects.select_for_update().get(pk=document.pk)
    if document.superseded_at is not None:
        raise Conflict("Cette version a été remplacée : signez la version en cours.")
    if document.closed:
        raise Conflict("Ce document est déjà signé et figé : il ne peut plus être modifié.")
    return document


@transaction.atomic
def signatures_add(
    *, document: SignedDocument, lines: Sequence[SignatureLine], by: User
) -> list[Signature]:
    """Record the lines signed on the tablet (one query to read the lines already signed,
    one bulk insert with its history; a line signed again is replaced). Refused once the
    document is closed. The images go to the default storage; if the rows cannot be
    written, the stored images are removed again."""
    document = _locked_open(document)
    _check_signer(by, document.platform_id, document.kind)
    if not lines:
        return []
    keys = [line.line for line in lines]
    if len(set(keys)) != len(keys):
        raise InvalidInput("Une même ligne est signée deux fois.")
    existing = {s.line: s for s in Signature.objects.filter(document=document, line__in=keys)}
    now = timezone.now()
    stored: list[str] = []
    created, replaced = [], []
    try:
        for line in lines:
            signature = existing.get(line.line) or Signature(
                platform_id=document.platform_id, document=document, line=line.line
            )
            signature.signer_role = line.signer_role
            signature.signer_name = line.signer_name[:200]
            signature.beneficiary_id = line.beneficiary_id
            signature.signed_at = now
            signature.recorded_by = by
            signature.image.save("signature.png", ContentFile(line.image), save=False)
            stored.append(signature.image.name)
            (replaced if signature.pk else created).append(signature)
        if created:
            created = bulk_create_with_history(created, Signature, default_user=by)
        for signature in replaced:
            save_with_author(signature, by=by)
    except BaseException:
        storage = Signature._meta.get_field("image").storage
        for name in stored:
            storage.delete(name)
        raise
    return [*created, *replaced]


def signature_add(
    *,
    document: SignedDocument,
    line: str,
    signer_role: str,
    signer_name: str,
    image: bytes,
    beneficiary: Beneficiary | None = None,
    by: User,
) -> Signature:
    """One line signed on the tablet (see signatures_add)."""
    (signature,) = signatures_add(
        document=document,
        lines=[
            SignatureLine(
                line=line,
                signer_role=signer_role,
                signer_name=signer_name,
                image=image,
                beneficiary_id=beneficiary.pk if beneficiary else None,
            )
        ],
        by=by,
    )
    return signature


@transaction.atomic
def signed_document_close(
    *, document: SignedDocument, by: User, required_lines: Iterable[str] = ()
) -> SignedDocument:
    """Freeze a document signed on the tablet: every required line must be signed; the PDF
    the module registered for its kind is rendered (signatures, names, date and time,
    content hash) and stored; nothing changes it afterwards."""
    document = _locked_open(document)
    _check_signer(by, document.platform_id, document.kind)
    signatures = list(document.signatures.order_by("signed_at", "pk"))
    missing = missing_lines(required_lines, [s.line for s in signatures])
    if missing:
        raise InvalidInput(
            "Il manque des signatures : " + ", ".join(missing) + ".",
            errors={"signature": "Il manque des signatures."},
        )
    if not signatures:
        raise InvalidInput("Aucune signature n'a été recueillie sur ce document.")
    renderer = registry.signed_pdfs[document.kind]
    document.closed_at = timezone.now()
    document.closed_by = by
    document.proof = ProofKind.TABLET
    pdf = renderer(document, signatures)
    document.pdf.save("signed.pdf", ContentFile(pdf), save=False)
    try:
        save_with_author(document, by=by)
    except BaseException:
        document.pdf.storage.delete(document.pdf.name)
        raise
    return document


def check_scan(file: File) -> str:
    """The scan's type (PDF, JPEG, PNG) from its first bytes, as documents/ checks a
    person's document; InvalidInput (French) when it is refused."""
    from django.conf import settings

    file.seek(0)
    head = file.read(8)
    file.seek(0)
    errors = upload_errors(head=head, size=file.size, max_bytes=settings.DOCUMENT_MAX_BYTES)
    if errors:
        raise InvalidInput(errors[0], errors={"scan": errors[0]})
    return sniff(head)


@transaction.atomic
def signed_document_attach_scan(
    *, document: SignedDocument, file: File, by: User
) -> SignedDocument:
    """The paper path: the scan of the printed, hand-signed document closes the version
    with a paper proof (signatures already drawn on the tablet stay in the history)."""
    document = _locked_open(document)
    _check_signer(by, document.platform_id, document.kind)
    content_type = check_scan(file)
    document.scan.save(f"scan.{EXTENSIONS[content_type]}", file, save=False)
    document.scan_content_type = content_type
    document.closed_at = timezone.now()
    document.closed_by = by
    document.proof = ProofKind.PAPER
    try:
        save_with_author(document, by=by)
    except BaseException:
        document.scan.storage.delete(document.scan.name)
        raise
    return document


def proof_of(obj, kind: str, payload=None) -> Proof:
    """Which proof exists for `obj`'s document of `kind` ("Signé sur tablette le …", "Scan
    papier joint le …", "Pas encore signé"); with `payload`, whether the object changed
    since the signature. Two queries at most."""
    document = current_document(obj, kind)
    if document is None:
        status, label = proof_label(proof=None, closed_at=None)
        return Proof(status=status, label=label)
    return proof_of_document(document, payload)


def proof_of_document(document: SignedDocument, payload=None) -> Proof:
    signed = 0 if document.closed else document.signatures.count()
    status, label = proof_label(
        proof=document.proof, closed_at=document.closed_at, signed_lines=signed
    )
    stale = payload is not None and document.closed and is_stale(document, payload)
    if stale:
        label = f"{label} — {STALE_LABEL}"
    return Proof(status=status, label=label, stale=stale, version=document.version)


def signature_blocks(signatures: Iterable[Signature]) -> list[dict]:
    """What a PDF shows of each signature: the drawing as a data URL (WeasyPrint reads it
    without any fetch), the signer's name and quality, the date and time."""
    blocks = []
    for signature in signatures:
        image = ""
        if signature.image:
            with signature.image.open("rb") as stored:
                image = "data:image/png;base64," + base64.b64encode(stored.read()).decode()
        local = timezone.localtime(signature.signed_at)
        blocks.append(
            {
                "line": signature.line,
                "image": image,
                "name": signature.signer_name,
                "role": signature.get_signer_role_display(),
                "is_staff": signature.signer_role == SignerRole.STAFF,
                "signed_at": local,
            }
        )
    return blocks


def signed_file_open(*, document: SignedDocument, which: str, by: User):
    """The frozen PDF (`which="pdf"`) or the scan (`"scan"`), opened for reading; the
    reading is written in the consultation log of each person the document names."""
    stored = document.scan if which == "scan" else document.pdf
    if not stored:
        raise Conflict("Ce fichier n'existe pas ou a été effacé avec les données de la personne.")
    for beneficiary in document.people.all():
        file_access_record(
            beneficiary=beneficiary, by=by, channel=FileAccessChannel.SIGNED_DOCUMENT
        )
    return stored.open("rb")


def signed_pdf_context(document: SignedDocument, signatures: Iterable[Signature]) -> dict:
    """What a module's PDF template needs to show a frozen document's signatures
    (templates/mobility/_signatures_pdf.html) and its hash in the page footer."""
    return {
        "signed_document": document,
        "signature_blocks": signature_blocks(signatures),
        "signed_footer": (
            f"Version signée {document.version} — empreinte SHA-256 {document.content_hash}"
        ),
    }
