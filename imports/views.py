"""The import pages of a platform administrator: upload, dry run, confirmation."""

from __future__ import annotations

import csv
import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from imports import services
from imports.columns import COLUMNS
from imports.models import ImportBatch
from mobility import spreadsheets
from mobility.enums import Role
from mobility.errors import InvalidInput
from mobility.models import Platform
from mobility.views import role_required


class UploadForm(forms.Form):
    platform = forms.ModelChoiceField(
        label=gettext_lazy("plateforme"), queryset=Platform.objects.none()
    )
    file = forms.FileField(
        label=gettext_lazy("fichier (XLSX ou CSV)"),
        help_text=gettext_lazy("La première ligne nomme les colonnes, comme dans le modèle."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = Platform.objects.filter(
            pk__in=user.platform_ids({Role.ADMIN})
        ).order_by("name")
        platforms = list(self.fields["platform"].queryset)
        self.only_platform = platforms[0] if len(platforms) == 1 else None
        if self.only_platform is not None:
            # Their one platform: nothing to choose, nothing to show.
            del self.fields["platform"]

    def clean(self):
        data = super().clean()
        if self.only_platform is not None:
            data["platform"] = self.only_platform
        return data


def _batch_of(request, pk) -> ImportBatch:
    batch = get_object_or_404(ImportBatch.objects.select_related("platform"), pk=pk)
    if batch.platform_id not in request.user.platform_ids({Role.ADMIN}):
        raise Http404
    return batch


@role_required(Role.ADMIN)
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            form.add_error(
                "file",
                _("Le fichier dépasse %(size)s ko : découpez-le en plusieurs fichiers.")
                % {"size": settings.IMPORT_MAX_BYTES // 1000},
            )
        else:
            try:
                batch = services.batch_upload(
                    by=request.user,
                    platform=form.cleaned_data["platform"],
                    filename=upload.name,
                    content=upload.read(),
                )
            except InvalidInput as error:
                form.add_error("file", str(error))
            else:
                return redirect("imports:dry_run", pk=batch.pk)
    return render(request, "imports/upload.html", {"form": form, "columns": COLUMNS})


@role_required(Role.ADMIN)
def dry_run(request, pk):
    batch = _batch_of(request, pk)
    if batch.confirmed_at:
        return render(request, "imports/done.html", {"batch": batch})
    try:
        plan = services.batch_plan(batch)
    except InvalidInput as error:
        messages.error(request, str(error))
        return redirect("imports:upload")
    return render(request, "imports/dry_run.html", {"batch": batch, "plan": plan})


@require_POST
@role_required(Role.ADMIN)
def confirm(request, pk):
    batch = _batch_of(request, pk)
    try:
        counts = services.batch_confirm(
            by=request.user, batch=batch, sha256=request.POST.get("sha256", "")
        )
    except InvalidInput as error:
        messages.error(request, str(error))
        return redirect("imports:dry_run", pk=batch.pk)
    total = sum(counts.values())
    messages.success(
        request,
        ngettext(
            "Import terminé : %(count)s enregistrement créé.",
            "Import terminé : %(count)s enregistrements créés.",
            total,
        )
        % {"count": total}
        if total
        else _("Import terminé : tout était déjà là, rien n'a été créé."),
    )
    return redirect("imports:dry_run", pk=batch.pk)


@role_required(Role.ADMIN)
def template(request, extension):
    rows = services.template_rows()
    if extension == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        for row in rows:
            writer.writerow([spreadsheets.csv_cell(value) for value in row])
        content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
        content_type = "text/csv; charset=utf-8"
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Dossiers"
        for row_number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                spreadsheets.xlsx_cell(sheet.cell(row=row_number, column=column), value)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        help_sheet = workbook.create_sheet("Aide")
        help_sheet.append(["colonne", "contenu"])
        for column in COLUMNS:
            help_sheet.append([column.header, column.help])
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="modele-import.{extension}"'
    return response
