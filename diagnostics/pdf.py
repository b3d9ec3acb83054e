"""The diagnostic summary as a PDF (WeasyPrint), for the referent and the download.

WeasyPrint reads nothing but the project's own static files (mobility/pdf.py).
"""

from __future__ import annotations

from django.utils import timezone

from diagnostics import selectors
from diagnostics.models import Diagnostic
from mobility.pdf import render_pdf


def person_label(diagnostic: Diagnostic) -> str:
    """First name and initial only: the summary travels by email."""
    beneficiary = diagnostic.pathway.beneficiary
    return f"{beneficiary.first_name} {beneficiary.last_name[:1].upper()}."


def render_summary_pdf(diagnostic: Diagnostic) -> bytes:
    summary = selectors.summary(diagnostic, entry=selectors.entry_of(diagnostic))
    return render_pdf(
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


def summary_filename(diagnostic: Diagnostic) -> str:
    return f"diagnostic-mobilite-{diagnostic.pk}-{diagnostic.taken_on:%Y-%m-%d}.pdf"


def load_for_pdf(pk: int) -> Diagnostic:
    return Diagnostic.objects.select_related(
        "platform", "pathway__beneficiary", "questionnaire", "adviser"
    ).get(pk=pk)


def summary_attachment(pk: int) -> tuple[str, bytes, str]:
    diagnostic = load_for_pdf(pk)
    return summary_filename(diagnostic), render_summary_pdf(diagnostic), "application/pdf"
