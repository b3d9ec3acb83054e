"""The report page and its downloads, as thin as the API handler: parse the form, let
mobility.reports.access check the request, compute the one report, render it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from mobility.errors import Forbidden, InvalidInput, NotFound
from mobility.forms import add_domain_errors
from mobility.reports import access, formats
from mobility.reports.definition import usage_report
from mobility.reports.forms import ReportForm

EXPORTS = ("pdf", "xlsx", "csv")


def _report_from(request):
    """(form, report or None): a request outside the user's rights is a 403 or a 404."""
    if not access.can_read_reports(request.user):
        raise PermissionDenied
    form = ReportForm(request.GET, user=request.user, today=timezone.localdate())
    if not form.is_valid():
        return form, None
    try:
        scope = access.resolve(request.user, form.report_request())
    except NotFound as error:
        raise Http404(error.message) from error
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    except InvalidInput as error:
        add_domain_errors(form, error)
        return form, None
    return form, usage_report(scope)


@login_required
def report_page(request):
    form, report = _report_from(request)
    query = urlencode(form.query())
    return render(
        request,
        "reports/report.html",
        {
            "form": form,
            "doc": formats.document(report) if report else None,
            "query": query,
            "exports": EXPORTS,
        },
    )


@login_required
def report_export(request, extension: str):
    if extension not in EXPORTS:
        raise Http404
    form, report = _report_from(request)
    if report is None:
        # The page says what is wrong with the request, field by field.
        return redirect(f"{reverse('reports:page')}?{request.GET.urlencode()}")
    response = HttpResponse(
        formats.render(report, extension), content_type=formats.CONTENT_TYPES[extension]
    )
    disposition = "inline" if extension == "pdf" else "attachment"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{formats.filename(report, extension)}"'
    )
    return response
