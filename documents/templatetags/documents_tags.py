from __future__ import annotations

from types import SimpleNamespace

from django import template
from django.conf import settings

from documents.forms import DocumentUploadForm
from documents.models import PersonDocument
from documents.rules import visible_kinds

register = template.Library()


@register.simple_tag
def beneficiary_documents(user, beneficiary):
    """The person's documents this user may see (one query), and the upload form."""
    kinds = visible_kinds(user.roles_on(beneficiary.platform_id))
    if not kinds:
        return SimpleNamespace(visible=False)
    documents = list(
        PersonDocument.objects.for_user(user)
        .filter(beneficiary=beneficiary)
        .select_related("uploaded_by")
    )
    may_upload = beneficiary.anonymised_at is None
    form = None
    if may_upload:
        form = DocumentUploadForm(
            kinds=kinds,
            max_megabytes=settings.DOCUMENT_MAX_BYTES // (1024 * 1024),
            auto_id="document_%s",
        )
    return SimpleNamespace(visible=True, documents=documents, form=form)
