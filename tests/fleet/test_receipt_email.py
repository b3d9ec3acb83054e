"""Item 6 of issue 11, the gap found: a payment's receipt is sent by e-mail when the person
has an address (recorded with the payment, sent once the transaction commits)."""

from decimal import Decimal
from unittest import mock

from django.core.mail import EmailMessage

from fleet import services
from fleet.models import ReceiptEmail
from mobility.models import Beneficiary
from tests.fleet.conftest import days_ago
from tests.pdf_text import check_pdf


def pay(user, rental, amount="30.40"):
    return services.payment_record(
        by=user, rental=rental, day=days_ago(1), amount=Decimal(amount), method="cash"
    )


def with_email(rental, email="yasmina@example.org"):
    Beneficiary.objects.filter(pk=rental.beneficiary_id).update(email=email)
    rental.beneficiary.refresh_from_db()
    return rental


def test_the_receipt_is_emailed_to_the_person(
    fleet_user, rental, mailoutbox, django_capture_on_commit_callbacks
):
    with_email(rental)
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(fleet_user, rental)
    [message] = mailoutbox
    assert message.to == ["yasmina@example.org"]
    assert f"Reçu n° {payment.receipt_number}" in message.subject
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"recu-{payment.receipt_number}.pdf", "application/pdf")
    check_pdf(content, has=["30,40 €"])
    delivery = ReceiptEmail.objects.get(entry=payment)
    assert delivery.state == "sent" and delivery.sent_at


def test_no_address_no_email(fleet_user, rental, mailoutbox, django_capture_on_commit_callbacks):
    with_email(rental, email="")
    with django_capture_on_commit_callbacks(execute=True):
        pay(fleet_user, rental)
    assert mailoutbox == []
    assert not ReceiptEmail.objects.exists()


def test_a_failed_send_is_recorded_and_the_payment_stays(
    fleet_user, rental, django_capture_on_commit_callbacks
):
    with_email(rental)
    with (
        mock.patch.object(EmailMessage, "send", side_effect=OSError("serveur injoignable")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        payment = pay(fleet_user, rental)
    delivery = ReceiptEmail.objects.get(entry=payment)
    assert delivery.state == "failed"
    assert "serveur injoignable" in delivery.error
    payment.refresh_from_db()
    assert payment.receipt_number


def test_a_payment_at_the_checkin_is_emailed_too(
    fleet_user, rental, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.fleet.conftest import CONDITION_OK

    with_email(rental)
    with django_capture_on_commit_callbacks(execute=True):
        services.checkin_record(
            by=fleet_user,
            rental=rental,
            day=days_ago(21),
            odometer_km=rental.start_odometer_km + 100,
            condition=CONDITION_OK,
            payment_amount=Decimal("17.50"),
            payment_method="cash",
        )
    assert len(mailoutbox) == 1
