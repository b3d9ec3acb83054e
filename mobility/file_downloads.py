"""The one way a stored file leaves the service: a view that has already checked the
reader's role and platform calls these, so that every module answers with the same
headers and writes the same consultation log.

No file of the default storage has a public URL (settings.STORAGES): the response
streams it from the storage itself, whichever backend it is (disk or S3).
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from mobility.models import Beneficiary, User
from mobility.services import file_access_record

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
