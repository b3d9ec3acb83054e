"""The learning agreement (contrat pédagogique) signed on the tablet (mobility/signing.py
does the signing): what the agreement says, as the snapshot whose hash is signed, and its
frozen PDF. Signing it (or attaching the paper's scan) records the agreement as signed,
which opens tranche 1 as the date typed on the page does.

The payload is what the agreement says: the person, the programme, the hours, the rate,
the quote, the tranches and their funders, the attendance and exclusion rules. Whether it
is signed is not part of it (the signature would otherwise change what was signed)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mobility import signing
from mobility.enums import SignedDocumentKind, SignerRole
from mobility.errors import InvalidInput
from mobility.signing import Signable, SignatureLine, signed_pdf_context

AGREEMENT = SignedDocumentKind.LEARNING_AGREEMENT
AGREEMENT_LINES = ("beneficiary", "staff")


def agreement_payload(enrolment) -> dict:
    beneficiary = enrolment.pathway.beneficiary
    programme = enrolment.programme
    tranches = sorted(enrolment.tranches.all(), key=lambda tranche: tranche.kind)
    return {
        "enrolment": enrolment.pk,
        "pathway": enrolment.pathway_id,
        "beneficiary": {
            "id": beneficiary.pk,
            "name": beneficiary.full_name,
            "birth_date": beneficiary.birth_date,
            "address": beneficiary.address,
            "postal_code": beneficiary.postal_code,
            "commune": beneficiary.commune,
        },
        "programme": {
            "name": programme.name,
            "attendance_threshold": programme.attendance_threshold,
            "exclusion_threshold": programme.exclusion_threshold,
        },
        "start_date": enrolment.start_date,
        "theory_hours": enrolment.theory_hours,
        "driving_hours": enrolment.driving_hours,
        "pre_training_hours": enrolment.pre_training_hours,
        "hourly_rate": enrolment.hourly_rate,
        "quote_total": enrolment.quote_total,
        "tranches": [
            {"kind": tranche.kind, "amount": tranche.amount, "funder": tranche.funder_id}
            for tranche in tranches
        ],
    }


def agreement_signable(enrolment) -> Signable:
    return Signable(
        obj=enrolment,
        kind=AGREEMENT,
        payload=agreement_payload(enrolment),
        platform_id=enrolment.platform_id,
        people=(enrolment.pathway.beneficiary_id,),
        required_lines=AGREEMENT_LINES,
    )


def _record_signed(enrolment, document, by) -> None:
    """A frozen agreement is a signed agreement: tranche 1 opens (once)."""
    from drivingschool import services

    if document.closed and enrolment.agreement_signed_on is None:
        services.enrolment_sign_agreement(
            by=by, enrolment=enrolment, signed_on=timezone.localdate(document.closed_at)
        )


@transaction.atomic
def agreement_sign(*, enrolment, by, beneficiary_image, staff_image, staff_name: str = ""):
    beneficiary = enrolment.pathway.beneficiary
    lines = []
    if beneficiary_image:
        lines.append(
            SignatureLine(
                line="beneficiary",
                signer_role=SignerRole.BENEFICIARY,
                signer_name=beneficiary.full_name,
                image=beneficiary_image,
                beneficiary_id=beneficiary.pk,
            )
        )
    if staff_image:
        lines.append(
            SignatureLine(
                line="staff",
                signer_role=SignerRole.STAFF,
                signer_name=staff_name.strip() or by.get_full_name() or by.get_username(),
                image=staff_image,
            )
        )
    if not lines:
        raise InvalidInput(
            "Aucune signature reçue : signez dans le cadre.",
            errors={"signature": "Aucune signature reçue."},
        )
    document = signing.sign(signable=agreement_signable(enrolment), lines=lines, by=by)
    _record_signed(enrolment, document, by)
    return document


@transaction.atomic
def agreement_scan(*, enrolment, by, file):
    document = signing.attach_scan(signable=agreement_signable(enrolment), file=file, by=by)
    _record_signed(enrolment, document, by)
    return document


def render_signed_agreement(document, signatures) -> bytes:
    from drivingschool.models import Enrolment
    from drivingschool.pdf import agreement_pdf

    enrolment = Enrolment.objects.select_related("programme__platform", "pathway__beneficiary").get(
        pk=document.object_id
    )
    return agreement_pdf(enrolment, signed=signed_pdf_context(document, signatures))
