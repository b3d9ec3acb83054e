"""The rental contract signed on the tablet (mobility/signing.py does the signing): what
the contract says, as the snapshot whose hash is signed, and its frozen PDF.

The payload is what the person reads on the contract: who, which vehicle, from when to
when, the grid, the deposit, the km allowance, the extension. A later change of any of
these (a deposit corrected, an extension) makes the signed version "modifié depuis la
signature" and the next signature a new version."""

from __future__ import annotations

from mobility import signing
from mobility.enums import SignedDocumentKind, SignerRole
from mobility.errors import Conflict, InvalidInput
from mobility.signing import Signable, SignatureLine, signed_pdf_context

CONTRACT = SignedDocumentKind.RENTAL_CONTRACT
RETURN_REPORT = SignedDocumentKind.RETURN_REPORT
# The person and the staff member who hands the vehicle over (or takes it back).
CONTRACT_LINES = ("beneficiary", "staff")
RETURN_LINES = ("beneficiary", "staff")


def contract_payload(rental) -> dict:
    beneficiary = rental.beneficiary
    vehicle = rental.vehicle
    return {
        "rental": rental.pk,
        "pathway": rental.pathway_id,
        "beneficiary": {
            "id": beneficiary.pk,
            "name": beneficiary.full_name,
            "birth_date": beneficiary.birth_date,
            "address": beneficiary.address,
            "postal_code": beneficiary.postal_code,
            "commune": beneficiary.commune,
        },
        "vehicle": {
            "id": vehicle.pk,
            "kind": vehicle.kind,
            "label": vehicle.label,
            "registration": vehicle.registration,
        },
        "start_date": rental.start_date,
        "start_odometer_km": rental.start_odometer_km,
        "max_end_date": rental.max_end_date,
        "extended_until": rental.extended_until,
        "extension_reason": rental.extension_reason,
        "tariff_grid": rental.tariff_grid_id,
        "visit_frequency": rental.visit_frequency,
        "deposit": rental.deposit,
        "deposit_waiver_reason": rental.deposit_waiver_reason,
        "home_work_km": rental.home_work_km,
        "daily_km_allowance": rental.daily_km_allowance,
    }


def contract_signable(rental) -> Signable:
    return Signable(
        obj=rental,
        kind=CONTRACT,
        payload=contract_payload(rental),
        platform_id=rental.platform_id,
        people=(rental.beneficiary_id,),
        required_lines=CONTRACT_LINES,
    )


def return_payload(rental) -> dict:
    """What the return report states: the return's date, km and condition (beside the
    handover's), the damages and the deposit's fate, the photos printed."""
    from fleet.enums import EntryKind

    money = rental.ledger.filter(
        kind__in=[EntryKind.DAMAGE, EntryKind.DEPOSIT_RETAINED, EntryKind.DEPOSIT_REFUND]
    ).order_by("date", "pk")
    return {
        "rental": rental.pk,
        "beneficiary": {"id": rental.beneficiary_id, "name": rental.beneficiary.full_name},
        "vehicle": {"id": rental.vehicle_id, "label": rental.vehicle.label},
        "start_date": rental.start_date,
        "start_odometer_km": rental.start_odometer_km,
        "end_date": rental.end_date,
        "end_odometer_km": rental.end_odometer_km,
        "handover_condition": rental.handover_condition,
        "return_condition": rental.return_condition,
        "deposit": rental.deposit,
        "deposit_retained_reason": rental.deposit_retained_reason,
        "end_reason": rental.end_reason,
        "money": [
            {"kind": kind, "amount": amount, "label": label}
            for kind, amount, label in money.values_list("kind", "amount", "label")
        ],
        "photos": list(rental.photos.order_by("pk").values_list("pk", flat=True)),
    }


def return_signable(rental) -> Signable:
    return Signable(
        obj=rental,
        kind=RETURN_REPORT,
        payload=return_payload(rental),
        platform_id=rental.platform_id,
        people=(rental.beneficiary_id,),
        required_lines=RETURN_LINES,
    )


def contract_lines(
    rental, *, by, beneficiary_image: bytes | None, staff_image: bytes | None, staff_name: str = ""
) -> list[SignatureLine]:
    """The lines drawn for a contract: the person's (named as on the contract) and the
    staff member's (their own name unless another is given)."""
    lines = []
    if beneficiary_image:
        lines.append(
            SignatureLine(
                line="beneficiary",
                signer_role=SignerRole.BENEFICIARY,
                signer_name=rental.beneficiary.full_name,
                image=beneficiary_image,
                beneficiary_id=rental.beneficiary_id,
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
    return lines


def contract_sign(
    *,
    rental,
    by,
    beneficiary_image: bytes | None,
    staff_image: bytes | None,
    staff_name: str = "",
    signable: Signable | None = None,
):
    """Sign the contract on the tablet (either line, or both: it is frozen once both are
    signed); a new version if the rental changed since the last signature. `signable`:
    the return report instead (return_signable), signed by the same two people."""
    lines = contract_lines(
        rental,
        by=by,
        beneficiary_image=beneficiary_image,
        staff_image=staff_image,
        staff_name=staff_name,
    )
    if not lines:
        raise InvalidInput(
            "Aucune signature reçue : signez dans le cadre.",
            errors={"signature": "Aucune signature reçue."},
        )
    return signing.sign(signable=signable or contract_signable(rental), lines=lines, by=by)


def contract_scan(*, rental, by, file, signable: Signable | None = None):
    """Attach the scan of the contract (or of `signable`) signed on paper instead."""
    return signing.attach_scan(signable=signable or contract_signable(rental), file=file, by=by)


def return_sign(*, rental, by, beneficiary_image, staff_image, staff_name: str = ""):
    """Sign the return report on the tablet: only once the vehicle is back."""
    _require_returned(rental)
    return contract_sign(
        rental=rental,
        by=by,
        beneficiary_image=beneficiary_image,
        staff_image=staff_image,
        staff_name=staff_name,
        signable=return_signable(rental),
    )


def return_scan(*, rental, by, file):
    _require_returned(rental)
    return contract_scan(rental=rental, by=by, file=file, signable=return_signable(rental))


def _require_returned(rental) -> None:
    if rental.is_open:
        raise Conflict("Le rapport de retour se signe une fois le retour enregistré.")


def render_signed_contract(document, signatures) -> bytes:
    """The frozen contract: the contract's own layout, with the drawn signatures."""
    from fleet.models import Rental
    from fleet.pdf import contract_pdf

    rental = Rental.objects.select_related(
        "platform", "pathway", "beneficiary", "vehicle", "tariff_grid"
    ).get(pk=document.object_id)
    return contract_pdf(rental, signed=signed_pdf_context(document, signatures))


def render_signed_return_report(document, signatures) -> bytes:
    """The frozen return report: its own layout, with the drawn signatures."""
    from fleet.models import Rental
    from fleet.pdf import return_report_pdf

    rental = (
        Rental.objects.with_balance()
        .select_related("platform", "beneficiary", "vehicle", "returned_by")
        .get(pk=document.object_id)
    )
    return return_report_pdf(rental, signed=signed_pdf_context(document, signatures))
