"""Pure rules of the documents of a person: what a file is (by its first bytes, never by
its name), who sees which kind, and whether a document has expired. No ORM, no clock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from mobility.enums import Role


class DocumentKind(models.TextChoices):
    LICENCE = "licence", _("permis de conduire")
    WORK_CONTRACT = "work_contract", _("contrat de travail")
    RSA_PROOF = "rsa_proof", _("justificatif de RSA")
    IDENTITY = "identity", _("pièce d'identité")
    OTHER = "other", _("autre document")


class DocumentType(models.TextChoices):
    """The only file types accepted, named by their MIME type."""

    PDF = "application/pdf", _("PDF")
    JPEG = "image/jpeg", _("image JPEG")
    PNG = "image/png", _("image PNG")


# The first bytes of each accepted type (what the file *is*, whatever its name says).
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", DocumentType.PDF),
    (b"\xff\xd8\xff", DocumentType.JPEG),
    (b"\x89PNG\r\n\x1a\n", DocumentType.PNG),
)
# Bytes to read from a file to recognise it.
SNIFF_BYTES = 8

EXTENSIONS = {DocumentType.PDF: "pdf", DocumentType.JPEG: "jpg", DocumentType.PNG: "png"}

ALL_KINDS = frozenset(DocumentKind)
# Casework sees every document; fleet staff check the licence and the work contract at a
# handover. Instructors, prescribers and funders see none.
KINDS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.ADMIN: ALL_KINDS,
    Role.ADVISER: ALL_KINDS,
    Role.FLEET: frozenset({DocumentKind.LICENCE, DocumentKind.WORK_CONTRACT}),
}


def sniff(head: bytes) -> str | None:
    """The accepted type whose signature starts `head`, or None."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def visible_kinds(roles: Iterable[str]) -> frozenset[str]:
    """The kinds of documents someone holding `roles` on a platform sees (and uploads)."""
    kinds: frozenset[str] = frozenset()
    for role in roles:
        kinds |= KINDS_BY_ROLE.get(role, frozenset())
    return kinds


def is_expired(expires_on: date | None, today: date) -> bool:
    """A document with an end date is expired the day after it (valid on the day)."""
    return expires_on is not None and expires_on < today


def upload_errors(*, head: bytes, size: int, max_bytes: int) -> list[str]:
    """Why a file is refused, in French (empty: accepted)."""
    if size == 0:
        return ["Le fichier est vide."]
    if size > max_bytes:
        return [f"Le fichier pèse {_megabytes(size)} Mo : {_megabytes(max_bytes)} Mo au plus."]
    if sniff(head) is None:
        return [
            "Ce fichier n'est ni un PDF, ni une image JPEG, ni une image PNG "
            "(son contenu a été vérifié, pas seulement son nom)."
        ]
    return []


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "")
