"""Reads of the documents that other modules use, through mobility/registry.py."""

from __future__ import annotations

from datetime import date

from documents.models import PersonDocument
from documents.rules import DocumentKind


def work_contract_end(beneficiary) -> date | None:
    """The end date of the person's most recent work contract document that has one (the
    fleet's eligibility reads it when neither the fiche nor the handover gave one)."""
    return (
        PersonDocument.objects.filter(
            beneficiary=beneficiary, kind=DocumentKind.WORK_CONTRACT, expires_on__isnull=False
        )
        .exclude(file="")
        .order_by("-uploaded_at", "-pk")
        .values_list("expires_on", flat=True)
        .first()
    )
