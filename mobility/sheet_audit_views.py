"""The funder's audit pack page and its PDF (mobility/sheet_audit.py decides): the page
lists the sessions of the period, which sheets are signed whole and which miss whose
signature, before the download of the one PDF."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility import sheet_audit
from mobility.enums import OrganisationKind
from mobility.errors import Forbidden, InvalidInput, NotFound
from mobility.forms import DateInput, add_domain_errors
from mobility.models import Organisation, Platform, User


def default_period(today: date) -> tuple[date, date]:
    """The calendar year so far, as the funder report."""
    return date(today.year, 1, 1), today


class AuditForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=DateInput())
    end = forms.DateField(label=_("Au"), widget=DateInput())
    platform = forms.ModelChoiceField(
        label=_("Plateforme"), queryset=Platform.objects.none(), required=False, empty_label=None
    )
    funder = forms.ModelChoiceField(
        label=_("Financeur"), queryset=Organisation.objects.none(), empty_label=None
    )

    def __init__(self, data, *, user: User, today: date):
        start, end = default_period(today)
        data = data.copy()
        data.setdefault("start", start.isoformat())
        data.setdefault("end", end.isoformat())
        platform_ids = user.platform_ids(sheet_audit.AUDIT_ROLES)
        chosen = data.get("platform")
        platform_id = int(chosen) if chosen and str(chosen).isdigit() else None
        if platform_id not in platform_ids:
            platform_id = min(platform_ids) if platform_ids else None
        funders = (
            Organisation.objects.filter(platform_id=platform_id, kind=OrganisationKind.FUNDER)
            .active()
            .order_by("name")
        )
        # The first funder by default: the page shows a pack at once, as the report does.
        if not data.get("funder"):
            first = funders.values_list("pk", flat=True).first()
            if first:
                data["funder"] = str(first)
        super().__init__(data)
        self.platform_id = platform_id
        self.fields["platform"].queryset = Platform.objects.filter(
            pk__in=platform_ids, is_active=True
        ).order_by("name")
        if len(platform_ids) <= 1:
            self.fields["platform"].widget = forms.HiddenInput()
        self.fields["funder"].queryset = funders

    def query(self) -> dict[str, str]:
        return {
            name: value
            for name, value in self.data.items()
            if name in self.fields and value not in ("", None)
        }

    def audit_request(self) -> sheet_audit.AuditRequest:
        data = self.cleaned_data
        return sheet_audit.AuditRequest(
            start=data["start"],
            end=data["end"],
            funder=data["funder"].pk,
            platform=data["platform"].pk if data.get("platform") else self.platform_id,
        )


def _pack_from(request):
    """(form, pack or None); outside the user's rights: 403 or 404."""
    if not sheet_audit.can_audit(request.user):
        raise PermissionDenied(sheet_audit.FORBIDDEN_MESSAGE)
    form = AuditForm(request.GET, user=request.user, today=timezone.localdate())
    if not form.is_valid():
        return form, None
    try:
        scope = sheet_audit.resolve(request.user, form.audit_request())
    except NotFound as error:
        raise Http404(error.message) from error
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    except InvalidInput as error:
        add_domain_errors(form, error)
        return form, None
    return form, sheet_audit.audit_pack(scope)


@login_required
def audit_page(request):
    form, pack = _pack_from(request)
    return render(
        request,
        "mobility/sheet_audit.html",
        {"form": form, "pack": pack, "query": urlencode(form.query())},
    )


@login_required
def audit_pdf(request):
    form, pack = _pack_from(request)
    if pack is None:
        # A download link is built from a valid page: a broken one goes back to the page.
        return render(
            request,
            "mobility/sheet_audit.html",
            {"form": form, "pack": None, "query": urlencode(form.query())},
            status=422,
        )
    content = sheet_audit.pack_pdf(pack, by=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{sheet_audit.pack_filename(pack.scope)}"'
    )
    return response
