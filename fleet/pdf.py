"""The fleet's PDFs (rental contract, payment receipt): see mobility/pdf.py for what
WeasyPrint may read."""

from django.utils import timezone

from fleet.selectors import Receipt
from mobility.pdf import render_pdf

__all__ = ["receipt_filename", "receipt_pdf", "render_pdf"]


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
