"""The diagnostic summary as a PDF (WeasyPrint), for the referent and the download.

WeasyPrint reads nothing but the project's own static files: any other URL (internet,
local files) is refused by the fetcher. The fonts are the machine's DejaVu.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from diagnostics import selectors
from diagnostics.models import Diagnostic

# WeasyPrint reports each layout step at INFO: keep the logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The base URL the PDF's relative links resolve against; never actually contacted.
BASE_URL = "https://pdf.invalid"


class StaticFilesFetcher(URLFetcher):
    """Serve /static/... from the project's static files; refuse every other URL."""

    def fetch(self, url, headers=None):
        prefix = BASE_URL + settings.STATIC_URL
        if not url.startswith(prefix):
            raise ValueError(f"Ressource refusée dans le PDF : {url}")
        relative = url[len(prefix) :].split("?")[0]
        if ".." in Path(relative).parts:
            raise ValueError(f"Chemin refusé dans le PDF : {relative}")
        found = finders.find(relative)
        if not found:
            raise ValueError(f"Fichier statique introuvable : {relative}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, Path(found).read_bytes(), headers={"Content-Type": content_type}
        )


def person_label(diagnostic: Diagnostic) -> str:
    """First name and initial only: the summary travels by email."""
    beneficiary = diagnostic.pathway.beneficiary
    return f"{beneficiary.first_name} {beneficiary.last_name[:1].upper()}."


def render_summary_pdf(diagnostic: Diagnostic) -> bytes:
    summary = selectors.summary(diagnostic, entry=selectors.entry_of(diagnostic))
    html = render_to_string(
        "diagnostics/summary_pdf.html",
        {
            "summary": summary,
            "diagnostic": diagnostic,
            "person": person_label(diagnostic),
            "platform": diagnostic.platform,
            "adviser": diagnostic.adviser.get_full_name() or diagnostic.adviser.username,
            "printed_on": timezone.localdate(),
        },
    )
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf()


def summary_filename(diagnostic: Diagnostic) -> str:
    return f"diagnostic-mobilite-{diagnostic.pk}-{diagnostic.taken_on:%Y-%m-%d}.pdf"


def load_for_pdf(pk: int) -> Diagnostic:
    return Diagnostic.objects.select_related(
        "platform", "pathway__beneficiary", "questionnaire", "adviser"
    ).get(pk=pk)


def summary_attachment(pk: int) -> tuple[str, bytes, str]:
    diagnostic = load_for_pdf(pk)
    return summary_filename(diagnostic), render_summary_pdf(diagnostic), "application/pdf"
