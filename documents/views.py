"""The documents' pages: upload on a person's file, and the one door to download them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from documents import services
from documents.forms import DocumentUploadForm
from documents.models import PersonDocument
from documents.rules import visible_kinds
from mobility.enums import Role
from mobility.errors import DomainError
from mobility.file_downloads import stored_file_response
from mobility.forms import add_domain_errors
from mobility.models import Beneficiary
from mobility.views import role_required

DOCUMENT_ROLES = (Role.ADMIN, Role.ADVISER, Role.FLEET)


@role_required(*DOCUMENT_ROLES)
def document_upload(request, pk):
    beneficiary = get_object_or_404(Beneficiary.objects.for_user(request.user), pk=pk)
    kinds = visible_kinds(request.user.roles_on(beneficiary.platform_id))
    if not kinds:
        raise Http404
    form = DocumentUploadForm(
        request.POST or None,
        request.FILES or None,
        kinds=kinds,
        max_megabytes=settings.DOCUMENT_MAX_BYTES // (1024 * 1024),
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_upload(
                beneficiary=beneficiary, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Document enregistré : %(kind)s.") % {"kind": document.get_kind_display()},
            )
            return redirect(reverse("beneficiary_detail", args=[beneficiary.pk]) + "#documents")
    return render(request, "documents/upload.html", {"beneficiary": beneficiary, "form": form})


@role_required(*DOCUMENT_ROLES)
def document_download(request, pk):
    document = get_object_or_404(
        PersonDocument.objects.for_user(request.user).select_related("beneficiary"), pk=pk
    )
    if not document.file:
        raise Http404
    return stored_file_response(
        services.document_open(document=document, by=request.user),
        filename=document.download_name(),
        content_type=document.content_type,
    )
