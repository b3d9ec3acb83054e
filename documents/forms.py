from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.rules import DocumentKind


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de document"), choices=())
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("PDF, JPEG ou PNG."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"}
        ),
    )
    expires_on = forms.DateField(
        label=_("Valable jusqu'au"),
        required=False,
        help_text=_("Facultatif : la fin d'un contrat de travail, d'un titre…"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, kinds=frozenset(DocumentKind), max_megabytes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label.capitalize()) for value, label in DocumentKind.choices if value in kinds
        ]
        if max_megabytes:
            self.fields["file"].help_text = _("PDF, JPEG ou PNG, %(size)s Mo au plus.") % {
                "size": max_megabytes
            }
