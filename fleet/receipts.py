"""A payment's receipt e-mailed to the person, when they have an address.

The ReceiptEmail row is written in the payment's transaction; once it commits, a task
(run by `manage.py db_worker`) builds the PDF and sends it, so a payment never waits on
the mail server. A failed send is left "échec" with its error, shown beside the receipt
link of the rental page (the receipt stays printable there), and raised for the task's
own record.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from fleet.enums import DeliveryState
from fleet.models import LedgerEntry, ReceiptEmail

logger = logging.getLogger(__name__)


def email_on_commit(entry: LedgerEntry, *, recipient: str) -> ReceiptEmail:
    delivery = ReceiptEmail.objects.create(
        platform_id=entry.platform_id, entry=entry, recipient=recipient
    )
    transaction.on_commit(lambda: send_receipt_email.enqueue(delivery_id=delivery.pk), robust=True)
    return delivery


@task()
def send_receipt_email(delivery_id: int) -> str:
    """Send one receipt (once: a delivery already sent or failed is left alone)."""
    from fleet import pdf, selectors  # WeasyPrint loads only in the process that sends

    delivery = ReceiptEmail.objects.select_related("entry").get(pk=delivery_id)
    if delivery.state != DeliveryState.PENDING:
        return "already_done"
    receipt = selectors.receipt(
        LedgerEntry.objects.filter(platform_id=delivery.platform_id), delivery.entry_id
    )
    payment = receipt.payment
    message = EmailMessage(
        subject=f"Reçu n° {payment.receipt_number} — {payment.platform.name}",
        body=(
            f"Bonjour,\n\nVous trouverez ci-joint le reçu n° {payment.receipt_number} de "
            f"votre paiement du {payment.date:%d/%m/%Y} pour la location n° "
            f"{payment.rental_id}.\n\n--\n{payment.platform.name}\n"
            "Ce message est envoyé automatiquement, merci de ne pas y répondre.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.recipient],
    )
    message.attach(pdf.receipt_filename(receipt), pdf.receipt_pdf(receipt), "application/pdf")
    try:
        message.send()
    except Exception as error:
        ReceiptEmail.objects.filter(pk=delivery_id).update(
            state=DeliveryState.FAILED, error=f"{type(error).__name__}: {error}"[:1000]
        )
        logger.exception("Receipt e-mail %s failed", delivery_id)
        raise
    ReceiptEmail.objects.filter(pk=delivery_id).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), error=""
    )
    return "sent"
