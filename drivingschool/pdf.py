"""The learning agreement (contrat pédagogique) as a PDF to sign, with WeasyPrint.

WeasyPrint may read the project's static files and nothing else (mobility/pdf.py).
"""

from __future__ import annotations

from django.utils import timezone

from drivingschool.models import Enrolment
from mobility.pdf import render_pdf


def agreement_pdf(enrolment: Enrolment, *, signed: dict | None = None) -> bytes:
    """The agreement of `enrolment` (select_related programme and pathway__beneficiary), to
    print, or (`signed`: mobility.signing.signed_pdf_context) frozen with the signatures
    drawn on the tablet."""
    tranches = {tranche.kind: tranche for tranche in enrolment.tranches.select_related("funder")}
    return render_pdf(
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
            **(signed or {}),
        },
    )


def agreement_filename(enrolment: Enrolment) -> str:
    return f"contrat-pedagogique-{enrolment.pk}.pdf"
