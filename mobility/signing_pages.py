"""What a page shows of an object's signed document (templates/mobility/_signed_document.html):
which proof exists, every version with its files, and, for a role that signs it, the pads
to sign on the tablet or the field to attach the paper's scan. Two queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from mobility.forms import HandoverSignatureForm, PaperScanForm
from mobility.models import SignedDocument
from mobility.signatures import Proof, may_sign, proof_label
from mobility.signing import Signable, proof_of_document


@dataclass
class SignedDocumentPanel:
    title: str
    proof: Proof
    versions: list = field(default_factory=list)
    may_sign: bool = False
    sign_form: HandoverSignatureForm | None = None
    scan_form: PaperScanForm | None = None
    sign_url: str = ""
    scan_url: str = ""
    print_url: str = ""
    # The section's id: a page may show several documents.
    anchor: str = "signature"

    @property
    def to_sign(self) -> bool:
        """Nothing valid is signed yet: not signed, half signed, or changed since."""
        return self.proof.status in ("none", "pending") or self.proof.stale


def signed_document_panel(
    *,
    user,
    signable: Signable,
    title: str,
    person_name: str,
    sign_url: str,
    scan_url: str,
    print_url: str = "",
    sign_form: HandoverSignatureForm | None = None,
    scan_form: PaperScanForm | None = None,
    anchor: str = "signature",
) -> SignedDocumentPanel:
    versions = list(
        SignedDocument.objects.of(signable.obj, signable.kind)
        .select_related("closed_by")
        .annotate(signature_count=Count("signatures"))
        .order_by("-version")
    )
    current = next((v for v in versions if v.superseded_at is None), None)
    if current is None:
        status, label = proof_label(proof=None, closed_at=None)
        proof = Proof(status=status, label=label)
    else:
        proof = _proof(current, signable.payload)
    for version in versions:
        version.proof_label = proof_label(
            proof=version.proof,
            closed_at=version.closed_at,
            signed_lines=version.signature_count,
        )[1]
    allowed = may_sign(signable.kind, user.roles_on(signable.platform_id))
    panel = SignedDocumentPanel(
        title=title,
        proof=proof,
        versions=versions,
        may_sign=allowed,
        sign_url=sign_url,
        scan_url=scan_url,
        print_url=print_url,
        anchor=anchor,
    )
    if allowed and panel.to_sign:
        staff_name = user.get_full_name() or user.get_username()
        panel.sign_form = sign_form or HandoverSignatureForm(
            person_name=person_name, staff_name=staff_name, auto_id=f"{anchor}_signature_%s"
        )
        panel.scan_form = scan_form or PaperScanForm(auto_id=f"{anchor}_scan_%s")
    return panel


def _proof(document: SignedDocument, payload) -> Proof:
    # The count is annotated: no query per version.
    if not document.closed:
        status, label = proof_label(
            proof=document.proof, closed_at=None, signed_lines=document.signature_count
        )
        return Proof(status=status, label=label, version=document.version)
    return proof_of_document(document, payload)
