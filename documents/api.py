"""The documents of a person through the API (`/api/v1/`): a multipart upload, the list
of a person's documents, and the one logged door to each file — the same services, roles
and checks as the file's page (documents/views.py)."""

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from documents import services
from documents.models import PersonDocument
from documents.rules import KINDS_BY_ROLE, DocumentKind, visible_kinds
from mobility.bounds import Day, Id
from mobility.errors import Forbidden, NotFound
from mobility.file_downloads import stored_file_response
from mobility.models import Beneficiary
from mobility.pagination import LimitOffsetPagination
from mobility.schemas import InputSchema

router = Router(tags=["Documents des personnes"])

KindCode = Literal[tuple(DocumentKind.values)]


class DocumentIn(InputSchema):
    """The text fields of the multipart form that carries a document (`file`)."""

    kind: KindCode = Field(
        description="licence (permis), work_contract (contrat de travail), rsa_proof "
        "(justificatif de RSA), identity (pièce d'identité) ou other. Chaque rôle ne dépose "
        "que les types qu'il voit : les agent·es de flotte, le permis et le contrat de travail."
    )
    expires_on: Day | None = Field(
        None,
        description="Valable jusqu'au (la fin d'un contrat de travail : l'éligibilité la lit "
        "quand la fiche n'en donne pas).",
    )


class DocumentOut(Schema):
    id: int
    beneficiary_id: int
    kind: str
    content_type: str = Field(
        description="application/pdf, image/jpeg ou image/png, lu dans le contenu."
    )
    size: int = Field(description="Taille en octets.")
    expires_on: Day | None
    expired: bool = Field(description="La date de validité est passée.")
    uploaded_at: datetime
    uploaded_by_id: int
    url: str = Field(
        description="Le fichier : GET /api/v1/documents/{id}/file, qui vérifie le rôle et la "
        "plateforme et inscrit la consultation au journal de la personne."
    )

    @staticmethod
    def resolve_url(document) -> str:
        return f"/api/v1/documents/{document.pk}/file"


def _require_documents(request: HttpRequest) -> None:
    """The door, as on the pages: only the roles that see some kind of document."""
    if not request.user.platform_ids(frozenset(KINDS_BY_ROLE)):
        raise Forbidden("Votre rôle ne donne accès à aucun document des personnes.")


def _beneficiary(request: HttpRequest, beneficiary_id: int) -> Beneficiary:
    """The person, when the caller sees at least one kind of document on their platform
    (otherwise 404, as for a person of another platform)."""
    _require_documents(request)
    beneficiary = get_object_or_404(Beneficiary.objects.for_user(request.user), pk=beneficiary_id)
    if not visible_kinds(request.user.roles_on(beneficiary.platform_id)):
        raise NotFound("Personne introuvable.")
    return beneficiary


@router.post(
    "/beneficiaries/{beneficiary_id}/documents",
    response={201: DocumentOut},
    summary="Déposer un document de la personne (multipart/form-data)",
    description="Un formulaire multipart : `file` (PDF, JPEG ou PNG, reconnu par son contenu ; "
    "DOCUMENT_MAX_BYTES au plus, 10 Mo par défaut), `kind` et `expires_on`. Un fichier vide, "
    "trop lourd ou d'un autre format : 422 avec `detail` en français. Un type que le rôle "
    "ne dépose pas : 403 ; la personne d'une autre plateforme : 404 ; une personne dont "
    "les données sont effacées : 409.",
)
def upload_document(
    request: HttpRequest,
    beneficiary_id: Id,
    payload: Form[DocumentIn],
    file: UploadedFile = File(  # noqa: B008 (django-ninja declares parameters so)
        ..., description="Le document : PDF, JPEG ou PNG."
    ),
):
    beneficiary = _beneficiary(request, beneficiary_id)
    document = services.document_upload(
        beneficiary=beneficiary,
        by=request.user,
        kind=payload.kind,
        file=file,
        expires_on=payload.expires_on,
    )
    return Status(201, document)


@router.get(
    "/beneficiaries/{beneficiary_id}/documents",
    response=list[DocumentOut],
    summary="Les documents de la personne que le rôle voit, les plus récents d'abord",
)
@paginate(LimitOffsetPagination)
def person_documents(request: HttpRequest, beneficiary_id: Id):
    beneficiary = _beneficiary(request, beneficiary_id)
    return (
        PersonDocument.objects.for_user(request.user)
        .filter(beneficiary=beneficiary)
        .exclude(file="")
        .order_by("-uploaded_at", "-pk")
    )


@router.get(
    "/documents/{document_id}/file",
    summary="Télécharger un document (inscrit au journal des consultations de la personne)",
    openapi_extra={
        "responses": {
            200: {
                "description": "Le fichier, sous un nom qui ne nomme personne",
                "content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}},
            }
        }
    },
)
def document_file(request: HttpRequest, document_id: Id):
    _require_documents(request)
    document = get_object_or_404(
        PersonDocument.objects.for_user(request.user).select_related("beneficiary"),
        pk=document_id,
    )
    if not document.file:
        raise NotFound("Ce document a été effacé avec les données de la personne.")
    return stored_file_response(
        services.document_open(document=document, by=request.user),
        filename=document.download_name(),
        content_type=document.content_type,
    )


def upload_limit() -> int:
    """A document at its largest, and the form's other fields."""
    return settings.DOCUMENT_MAX_BYTES + 64 * 1024
