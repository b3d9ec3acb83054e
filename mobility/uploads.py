"""Pure rules of an uploaded file, shared by every module that takes one (the documents of
a person, the scans of signed papers): what a file is, by its first bytes and never by
its name, and why it is refused. No ORM, no clock."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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


def sniff(head: bytes) -> str | None:
    """The accepted type whose signature starts `head`, or None."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


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
