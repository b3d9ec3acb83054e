"""Every write of the documents of a person, and their downloads (which are logged)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.files import File
from django.db import transaction

from documents.models import PersonDocument
from documents.rules import sniff, upload_errors, visible_kinds
from mobility.enums import FileAccessChannel
from mobility.errors import Conflict, Forbidden, InvalidInput
from mobility.file_downloads import open_logged
from mobility.models import Beneficiary, User
from mobility.services import save_with_author


def check_file(file: File) -> str:
    """The file's type, from its first bytes; InvalidInput (French) when it is refused."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    errors = upload_errors(head=head, size=file.size, max_bytes=settings.DOCUMENT_MAX_BYTES)
    if errors:
        raise InvalidInput(errors[0], errors={"file": errors[0]})
    return sniff(head)


@transaction.atomic
def document_upload(
    *, beneficiary: Beneficiary, by: User, kind: str, file: File, expires_on: date | None
) -> PersonDocument:
    """Attach a document to a person's file. The file goes to the default storage; if the
    row cannot be written, the stored file is removed again."""
    if kind not in visible_kinds(by.roles_on(beneficiary.platform_id)):
        raise Forbidden("Votre rôle ne permet pas de déposer ce type de document.")
    if beneficiary.anonymised_at is not None:
        raise Conflict("Les données de cette personne sont effacées : aucun document n'est ajouté.")
    content_type = check_file(file)
    document = PersonDocument(
        platform_id=beneficiary.platform_id,
        beneficiary=beneficiary,
        kind=kind,
        content_type=content_type,
        size=file.size,
        original_name=(getattr(file, "name", "") or "")[:255],
        expires_on=expires_on,
        uploaded_by=by,
    )
    document.file.save("upload", file, save=False)
    try:
        save_with_author(document, by=by)
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def document_open(*, document: PersonDocument, by: User):
    """The stored file, opened for reading; the reading is written in the consultation log
    of the person's file first."""
    if not document.file:
        raise Conflict("Ce document a été effacé avec les données de la personne.")
    return open_logged(
        document.file,
        beneficiary=document.beneficiary,
        by=by,
        channel=FileAccessChannel.DOCUMENT,
    )
