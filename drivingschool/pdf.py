"""The learning agreement (contrat pédagogique) as a PDF to sign, with WeasyPrint.

WeasyPrint may read the project's static files and nothing else: every other URL
(internet, local files) is refused. The fonts are the machine's DejaVu.
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

from drivingschool.models import Enrolment

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Relative links of the PDF resolve against this; it is never contacted.
BASE_URL = "https://pdf.invalid"


class StaticFilesOnly(URLFetcher):
    """Serve /static/... from the project's static files; refuse every other URL."""

    def fetch(self, url, headers=None):
        prefix = BASE_URL + settings.STATIC_URL
        if not url.startswith(prefix):
            raise ValueError(f"Ressource refusée dans le PDF : {url}")
        relative = url[len(prefix) :].split("?")[0]
        found = finders.find(relative)
        if not found or ".." in Path(relative).parts:
            raise ValueError(f"Fichier statique introuvable : {relative}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, Path(found).read_bytes(), headers={"Content-Type": content_type}
        )


def agreement_pdf(enrolment: Enrolment) -> bytes:
    """The agreement of `enrolment` (select_related programme and pathway__beneficiary)."""
    tranches = {tranche.kind: tranche for tranche in enrolment.tranches.select_related("funder")}
    html = render_to_string(
        "drivingschool/learning_agreement_pdf.html",
        {
            "enrolment": enrolment,
            "beneficiary": enrolment.pathway.beneficiary,
            "programme": enrolment.programme,
            "platform": enrolment.programme.platform,
            "theory_tranche": tranches.get("theory"),
            "practical_tranche": tranches.get("practical"),
            "attendance_percent": int(enrolment.programme.attendance_threshold * 100),
            "printed_on": timezone.localdate(),
        },
    )
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly()).write_pdf()


def agreement_filename(enrolment: Enrolment) -> str:
    return f"contrat-pedagogique-{enrolment.pk}.pdf"
