"""What the modules' API routes share for a document signed on the tablet: the body of a
signature post (PNG data URLs), the answer that says which proof exists, and the frozen
PDF or scan as a logged download. The routes themselves live with each module (its
objects, its roles); they all answer the same shapes."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from ninja import Field, Schema
from pydantic import ConfigDict

from mobility.file_downloads import stored_file_response
from mobility.models import SignedDocument
from mobility.signatures import decode_signature, proof_label
from mobility.signing import Signable, is_stale, signed_file_open

DATA_URL = (
    "Une image PNG en « data URL » : `data:image/png;base64,…` (200 Ko au plus, non vide), "
    "telle que la donne `canvas.toDataURL('image/png')`."
)


class SignaturesIn(Schema):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    beneficiary: str | None = Field(
        None, description="La signature de la personne. " + DATA_URL, max_length=300_000
    )
    staff: str | None = Field(
        None,
        description="La signature du ou de la professionnel·le. " + DATA_URL,
        max_length=300_000,
    )
    staff_name: str = Field(
        "",
        max_length=200,
        description="Le nom du ou de la professionnel·le qui signe (par défaut : le compte "
        "du jeton).",
    )

    def images(self) -> dict[str, bytes | None]:
        """The decoded PNGs; a bad image is a 422 with `detail` (French)."""
        return {
            "beneficiary_image": decode_signature(self.beneficiary) if self.beneficiary else None,
            "staff_image": decode_signature(self.staff) if self.staff else None,
        }


class SignedLineOut(Schema):
    line: str = Field(description="`beneficiary` (la personne) ou `staff`.")
    signer_role: str
    signer_name: str
    signed_at: datetime


class SignedVersionOut(Schema):
    version: int
    proof: str = Field(description="`tablet`, `paper`, ou vide tant que la version est ouverte.")
    label: str
    content_hash: str = Field(description="SHA-256 du JSON canonique de ce qui est signé.")
    closed_at: datetime | None
    superseded_at: datetime | None
    signatures: list[SignedLineOut]
    pdf_url: str | None = Field(description="Le PDF figé (signature sur tablette).")
    scan_url: str | None = Field(description="Le scan papier joint.")


class ProofOut(Schema):
    kind: str = Field(description="`rental_contract`, `learning_agreement`, `return_report`…")
    status: str = Field(
        description="`tablet` (signé sur tablette), `paper` (scan papier joint), `pending` "
        "(une partie des signatures recueillies) ou `none` (pas encore signé)."
    )
    label: str = Field(description="La phrase affichée sur la page, en français.")
    stale: bool = Field(
        description="Vrai si l'objet a changé depuis la signature (« modifié depuis la "
        "signature ») : une nouvelle signature ouvre une nouvelle version."
    )
    version: int | None
    versions: list[SignedVersionOut] = Field(
        description="Toutes les versions, la plus récente d'abord."
    )


def proof_out(signable: Signable, *, base_url: str) -> dict:
    """Which proof exists for `signable`, with every version (two queries). `base_url`:
    the module's route of the document, whose `/pdf` and `/scan` give the files."""
    versions = list(
        SignedDocument.objects.of(signable.obj, signable.kind)
        .prefetch_related("signatures")
        .order_by("-version")
    )
    current = next((v for v in versions if v.superseded_at is None), None)
    out_versions = []
    for version in versions:
        lines = sorted(version.signatures.all(), key=lambda s: (s.signed_at, s.pk))
        out_versions.append(
            {
                "version": version.version,
                "proof": version.proof,
                "label": proof_label(
                    proof=version.proof, closed_at=version.closed_at, signed_lines=len(lines)
                )[1],
                "content_hash": version.content_hash,
                "closed_at": version.closed_at,
                "superseded_at": version.superseded_at,
                "signatures": lines,
                "pdf_url": f"{base_url}/pdf?version={version.version}" if version.pdf else None,
                "scan_url": f"{base_url}/scan?version={version.version}" if version.scan else None,
            }
        )
    if current is None:
        status, label = proof_label(proof=None, closed_at=None)
        return {
            "kind": signable.kind,
            "status": status,
            "label": label,
            "stale": False,
            "version": None,
            "versions": out_versions,
        }
    signed_lines = len(current.signatures.all())
    status, label = proof_label(
        proof=current.proof, closed_at=current.closed_at, signed_lines=signed_lines
    )
    stale = current.closed and is_stale(current, signable.payload)
    if stale:
        label = f"{label} — modifié depuis la signature"
    return {
        "kind": signable.kind,
        "status": status,
        "label": label,
        "stale": stale,
        "version": current.version,
        "versions": out_versions,
    }


def signed_file(signable: Signable, *, which: str, version: int | None, by):
    """The frozen PDF (`which="pdf"`) or the scan of a version (the current one by
    default), as a logged download; 404 when there is none."""
    documents = SignedDocument.objects.of(signable.obj, signable.kind)
    document = (
        documents.filter(version=version).first()
        if version is not None
        else documents.current().first()
    )
    stored = None if document is None else (document.scan if which == "scan" else document.pdf)
    if not stored:
        raise Http404
    content_type = document.scan_content_type if which == "scan" else "application/pdf"
    return stored_file_response(
        signed_file_open(document=document, which=which, by=by),
        filename=document.download_name(which),
        content_type=content_type,
    )


PDF_RESPONSE = {
    "responses": {
        200: {"description": "Le PDF signé, figé", "content": {"application/pdf": {}}},
        404: {"description": "Pas de PDF signé (pas encore signé sur tablette, ou effacé)"},
    }
}
SCAN_RESPONSE = {
    "responses": {
        200: {
            "description": "Le scan papier joint (PDF, JPEG ou PNG)",
            "content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}},
        },
        404: {"description": "Pas de scan joint"},
    }
}
