"""Pure rules of the documents of a person: what a file is (by its first bytes, never by
its name), who sees which kind, and whether a document has expired. No ORM, no clock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from mobility.enums import Role

# What a file is and whether it is accepted: the core's rule, shared with the signed
# documents' paper scans (mobility/signing.py).
from mobility.uploads import EXTENSIONS, DocumentType, sniff, upload_errors  # noqa: F401


class DocumentKind(models.TextChoices):
    LICENCE = "licence", _("permis de conduire")
    WORK_CONTRACT = "work_contract", _("contrat de travail")
    RSA_PROOF = "rsa_proof", _("justificatif de RSA")
    IDENTITY = "identity", _("pièce d'identité")
    OTHER = "other", _("autre document")


ALL_KINDS = frozenset(DocumentKind)
# Casework sees every document; fleet staff check the licence and the work contract at a
# handover. Instructors, prescribers and funders see none.
KINDS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.ADMIN: ALL_KINDS,
    Role.ADVISER: ALL_KINDS,
    Role.FLEET: frozenset({DocumentKind.LICENCE, DocumentKind.WORK_CONTRACT}),
}


def visible_kinds(roles: Iterable[str]) -> frozenset[str]:
    """The kinds of documents someone holding `roles` on a platform sees (and uploads)."""
    kinds: frozenset[str] = frozenset()
    for role in roles:
        kinds |= KINDS_BY_ROLE.get(role, frozenset())
    return kinds


def is_expired(expires_on: date | None, today: date) -> bool:
    """A document with an end date is expired the day after it (valid on the day)."""
    return expires_on is not None and expires_on < today
