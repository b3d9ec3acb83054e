"""The checked, logged downloads of stored files that the modules share: every file of a
person goes through a view that checks the role and the platform (a queryset scoped by
`for_user`) and writes the consultation log before a byte leaves."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from mobility import signing
from mobility.models import SignedDocument

# The two files a signed document may hold.
SIGNED_FILES = ("pdf", "scan")


def private_file_response(opened, *, filename: str, content_type: str, inline: bool = False):
    """A stored file's answer: never cached by a browser or a proxy."""
    response = FileResponse(
        opened, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def signed_document_download(request, pk: int, which: str):
    """The frozen PDF or the paper scan of a signed document, for the roles that read its
    kind on its platform (mobility.signatures.READER_ROLES); anyone else gets a 404."""
    if which not in SIGNED_FILES:
        raise Http404
    document = get_object_or_404(SignedDocument.objects.for_user(request.user), pk=pk)
    stored = document.scan if which == "scan" else document.pdf
    if not stored:
        raise Http404
    content_type = document.scan_content_type if which == "scan" else "application/pdf"
    return private_file_response(
        signing.signed_file_open(document=document, which=which, by=request.user),
        filename=document.download_name(which),
        content_type=content_type,
        inline=content_type == "application/pdf",
    )
