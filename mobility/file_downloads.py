"""The one way a stored file leaves the service: a view that has already checked the
reader's role and platform calls these, so that every module answers with the same
headers and writes the same consultation log.

No file of the default storage has a public URL (settings.STORAGES): the response
streams it from the storage itself, whichever backend it is (disk or S3).
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from mobility import signing
from mobility.enums import STAFF_ROLES
from mobility.models import Beneficiary, SignedDocument, User
from mobility.services import file_access_record
from mobility.views import role_required

# A file about a person is not kept by the browser nor by a proxy (NoStoreMiddleware
# adds the same to every signed-in answer; a file says it itself).
NO_STORE = "private, no-store"


def open_logged(file: FieldFile, *, beneficiary: Beneficiary, by: User, channel: str):
    """The stored file opened for reading, once the reading is written in the
    consultation log of the person's file (a FileAccessChannel value)."""
    file_access_record(beneficiary=beneficiary, by=by, channel=channel)
    return file.open("rb")


def stored_file_response(
    opened,
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
) -> FileResponse:
    """A response streaming an opened stored file; `inline`: shown in the browser (an
    image), otherwise saved under `filename`."""
    response = FileResponse(
        opened, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = NO_STORE
    # The file's bytes say what it is: the browser never guesses another type.
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The two files a signed document may hold.
SIGNED_FILES = ("pdf", "scan")


@role_required(*STAFF_ROLES)
def signed_document_download(request, pk: int, which: str):
    """The frozen PDF or the paper scan of a signed document, for the roles that read its
    kind on its platform (mobility.signatures.READER_ROLES): staff of another role or
    platform get a 404, prescribers and funders the 403 page. The reading is logged on the
    file of each person the document names."""
    if which not in SIGNED_FILES:
        raise Http404
    document = get_object_or_404(SignedDocument.objects.for_user(request.user), pk=pk)
    stored = document.scan if which == "scan" else document.pdf
    if not stored:
        raise Http404
    content_type = document.scan_content_type if which == "scan" else "application/pdf"
    return stored_file_response(
        signing.signed_file_open(document=document, which=which, by=request.user),
        filename=document.download_name(which),
        content_type=content_type,
        inline=content_type == "application/pdf",
    )
