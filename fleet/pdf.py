"""The fleet's PDFs (rental contract, payment receipt): see mobility/pdf.py for what
WeasyPrint may read."""

from datetime import timedelta

from django.utils import timezone

from fleet.selectors import Receipt
from fleet.tariffs import euros
from mobility.pdf import render_pdf

__all__ = ["contract_pdf", "receipt_filename", "receipt_pdf", "render_pdf"]


def contract_pdf(rental, *, draft: bool = False, signed: dict | None = None) -> bytes:
    """The rental contract: a draft to print before the handover, the contract to print
    and sign on paper, or (`signed`: mobility.signing.signed_pdf_context) the frozen
    contract with the signatures drawn on the tablet."""
    from fleet import services

    week = services.rental_quote(rental, rental.start_date, rental.start_date + timedelta(days=7))
    grid = services.grid_with_rates(rental.tariff_grid)
    return render_pdf(
        "fleet/contract_pdf.html",
        {
            "rental": rental,
            "pathway": rental.pathway,
            "beneficiary": rental.beneficiary,
            "vehicle": rental.vehicle,
            "grid": grid,
            "steps": [s for s in grid.steps.all() if s.kind == rental.vehicle.kind],
            "reductions": list(grid.reductions.all()),
            "week": week,
            "week_total": euros(week.total),
            "deposit": euros(rental.deposit),
            "deposit_default": euros(rental.deposit_default)
            if rental.deposit_default is not None
            else "",
            "today": timezone.localdate(),
            "draft": draft,
            **(signed or {}),
        },
    )


def receipt_pdf(receipt: Receipt) -> bytes:
    payment = receipt.payment
    return render_pdf(
        "fleet/receipt_pdf.html",
        {
            "receipt": receipt,
            "payment": payment,
            "rental": payment.rental,
            "platform": payment.platform,
            "beneficiary": payment.rental.beneficiary,
            "today": timezone.localdate(),
        },
    )


def receipt_filename(receipt: Receipt) -> str:
    return f"recu-{receipt.payment.receipt_number}.pdf"
