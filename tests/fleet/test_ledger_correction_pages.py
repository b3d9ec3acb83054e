"""The rental page: print a payment's receipt, correct an entry, refund what was overpaid,
each correction confirmed after reading its effect on the balance."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from fleet import services
from fleet.enums import EntryKind
from fleet.models import LedgerEntry
from mobility.enums import Role
from tests.conftest import logged_in
from tests.factories import member
from tests.fleet.conftest import CONDITION_OK, days_ago
from tests.nothing_written import nothing_written


def text(response) -> str:
    return html.unescape(response.content.decode())


def detail(rental):
    return reverse("fleet:rental_detail", args=[rental.pk])


def correct_url(rental, entry):
    return reverse("fleet:ledger_entry_reverse", args=[rental.pk, entry.pk])


def refund_url(rental):
    return reverse("fleet:rental_refund", args=[rental.pk])


def receipt_url(rental, entry):
    return reverse("fleet:payment_receipt", args=[rental.pk, entry.pk])


def test_after_a_payment_the_rental_page_offers_its_receipt(fleet_user, rental):
    client = logged_in(fleet_user)
    response = client.post(
        reverse("fleet:payment_create", args=[rental.pk]),
        {"date": days_ago(1).isoformat(), "amount": "30,40", "method": "cash"},
        follow=True,
    )
    payment = LedgerEntry.objects.get(kind=EntryKind.PAYMENT)
    content = html.unescape(response.content.decode())
    assert "Reçu n° 1 du paiement de 30,40\xa0€" in content
    assert receipt_url(rental, payment) in content
    assert "Imprimer le reçu (PDF)" in content

    pdf = client.get(receipt_url(rental, payment))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="recu-1.pdf"' in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF")


def test_a_check_in_with_a_payment_offers_its_receipt_too(fleet_user, rental):
    response = logged_in(fleet_user).post(
        reverse("fleet:checkin_create", args=[rental.pk]),
        {
            "date": (rental.start_date + timedelta(days=7)).isoformat(),
            "odometer_km": "42100",
            "payment_amount": "17,50",
            "payment_method": "cash",
            **{f"condition_{item}": state for item, state in CONDITION_OK.items()},
        },
    )
    payment = LedgerEntry.objects.get(kind=EntryKind.PAYMENT)
    assert response.status_code == 302
    assert response["Location"] == f"{detail(rental)}?recu={payment.pk}"


def test_a_typo_is_corrected_after_reading_its_effect_on_the_balance(fleet_user, rental):
    typo = services.payment_record(
        by=fleet_user, rental=rental, day=days_ago(1), amount=Decimal("304"), method="cash"
    )
    client = logged_in(fleet_user)
    page = client.get(detail(rental)).content.decode()
    assert correct_url(rental, typo) in page

    form = {"reason": "304,00 € saisis au lieu de 30,40 €.", "correct_amount": "30,40"}
    preview = client.post(correct_url(rental, typo), form)
    content = text(preview)
    assert preview.status_code == 200
    assert "Vérifiez avant de confirmer" in content
    assert "304,00\xa0€ d'avance" in content  # today
    assert "30,40\xa0€ d'avance" in content  # after the correction
    assert not LedgerEntry.objects.filter(reverses__isnull=False).exists()  # not yet

    confirmed = client.post(
        correct_url(rental, typo),
        {**form, "confirmed": "1", "seen_last_entry_id": preview.context["seen_last_entry_id"]},
    )
    replacement = LedgerEntry.objects.get(kind=EntryKind.PAYMENT, amount=Decimal("30.40"))
    assert confirmed["Location"] == f"{detail(rental)}?recu={replacement.pk}"
    reversal = LedgerEntry.objects.get(reverses__isnull=False)
    assert (reversal.amount, reversal.reverses_id) == (Decimal("-304.00"), typo.reversal_key)
    assert services.rental_balance(rental).due == Decimal("-30.40")

    page = text(client.get(detail(rental)))
    assert "contre-passée" in page and "contre-passation" in page
    assert "304,00 € saisis au lieu de 30,40 €." in page  # the reason, shown
    assert correct_url(rental, typo) not in page  # corrected once


def test_the_same_confirmation_sent_twice_writes_one_correction(fleet_user, rental):
    typo = services.payment_record(
        by=fleet_user, rental=rental, day=days_ago(1), amount=Decimal("304"), method="cash"
    )
    client = logged_in(fleet_user)
    form = {"reason": "Faute de frappe.", "correct_amount": "30,40", "confirmed": "1"}
    form["seen_last_entry_id"] = client.post(
        correct_url(rental, typo), form | {"confirmed": ""}
    ).context["seen_last_entry_id"]
    assert client.post(correct_url(rental, typo), form).status_code == 302
    again = client.post(correct_url(rental, typo), form, follow=True)
    assert "déjà contre-passée" in again.content.decode()
    assert LedgerEntry.objects.filter(reverses__isnull=False).count() == 1
    assert LedgerEntry.objects.filter(amount=Decimal("30.40")).count() == 1


def test_a_correction_without_reason_is_a_form_error(fleet_user, rental):
    typo = services.payment_record(
        by=fleet_user, rental=rental, day=days_ago(1), amount=Decimal("304"), method="cash"
    )
    response = logged_in(fleet_user).post(correct_url(rental, typo), {"reason": ""})
    assert response.status_code == 200
    assert "Vérifiez avant de confirmer" not in response.content.decode()
    assert response.context["form"].errors["reason"]


def test_an_entry_that_cannot_be_reversed_sends_back_to_the_rental_with_the_reason(
    fleet_user, rental
):
    services.rental_return(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=7),
        odometer_km=42100,
        condition=CONDITION_OK,
    )
    refund = LedgerEntry.objects.get(kind=EntryKind.DEPOSIT_REFUND)
    client = logged_in(fleet_user)
    assert correct_url(rental, refund) not in client.get(detail(rental)).content.decode()
    response = client.get(correct_url(rental, refund), follow=True)
    assert "ne se contre-passe pas" in response.content.decode()


def test_a_returned_rental_that_was_overpaid_is_refunded_after_confirmation(fleet_user, rental):
    services.rental_return(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=14),
        odometer_km=42300,
        condition=CONDITION_OK,
        payment_amount=Decimal("100"),
        payment_method="cash",
    )
    client = logged_in(fleet_user)
    page = client.get(detail(rental)).content.decode()
    assert "Rembourser le trop-perçu (65,00\xa0€)" in page

    form = {
        "amount": "65,00",
        "method": "cash",
        "date": days_ago(0).isoformat(),
        "reason": "Trop-perçu rendu en espèces.",
    }
    preview = client.post(refund_url(rental), form)
    assert "65,00\xa0€ d'avance" in text(preview)
    assert not LedgerEntry.objects.filter(kind=EntryKind.REFUND).exists()

    done = client.post(
        refund_url(rental),
        {**form, "confirmed": "1", "seen_last_entry_id": preview.context["seen_last_entry_id"]},
        follow=True,
    )
    assert "Remboursement de 65,00\xa0€ enregistré." in done.content.decode()
    assert services.rental_balance(rental).due == Decimal("0.00")
    assert "Rembourser le trop-perçu" not in done.content.decode()


def test_a_refund_beyond_the_overpaid_balance_is_a_form_error(fleet_user, rental):
    services.rental_return(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=14),
        odometer_km=42300,
        condition=CONDITION_OK,
        payment_amount=Decimal("100"),
        payment_method="cash",
    )
    response = logged_in(fleet_user).post(
        refund_url(rental),
        {
            "amount": "70",
            "method": "cash",
            "date": days_ago(0).isoformat(),
            "reason": "Trop-perçu.",
            "confirmed": "1",
        },
    )
    assert response.status_code == 200
    assert "65,00" in str(response.context["form"].errors["amount"])
    assert not LedgerEntry.objects.filter(kind=EntryKind.REFUND).exists()


def test_an_open_rental_has_no_refund_page(fleet_user, rental):
    response = logged_in(fleet_user).get(refund_url(rental), follow=True)
    assert "pas de trop-perçu" in response.content.decode()


def test_receipts_and_corrections_stay_within_the_platform(fleet_user, rental, other_world):
    payment = services.payment_record(
        by=other_world["adviser"],
        rental=other_world["rental"],
        day=days_ago(1),
        amount=Decimal("10"),
        method="cash",
    )
    client = logged_in(fleet_user)
    theirs = other_world["rental"]
    with nothing_written():
        assert client.get(receipt_url(theirs, payment)).status_code == 404
    assert client.get(receipt_url(rental, payment)).status_code == 404  # not this rental's
    with nothing_written():
        assert client.get(correct_url(theirs, payment)).status_code == 404
    with nothing_written():
        assert client.get(refund_url(theirs)).status_code == 404


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.FUNDER])
def test_other_roles_get_the_403_page(platform, rental, role):
    deposit = LedgerEntry.objects.get(rental=rental)
    client = logged_in(member(role, platform))
    for url in (correct_url(rental, deposit), refund_url(rental), receipt_url(rental, deposit)):
        with nothing_written():
            assert client.get(url).status_code == 403


def test_the_rental_page_query_count_does_not_grow_with_corrections(fleet_user, rental):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(fleet_user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(detail(rental)).status_code == 200
        return len(queries)

    services.payment_record(
        by=fleet_user, rental=rental, day=days_ago(2), amount=Decimal("5"), method="cash"
    )
    few = count()
    for _ in range(3):
        typo = services.payment_record(
            by=fleet_user, rental=rental, day=days_ago(1), amount=Decimal("304"), method="cash"
        )
        services.ledger_entry_reverse(
            entry=typo, by=fleet_user, reason="Faute de frappe.", correct_amount=Decimal("30.40")
        )
    assert count() == few


def test_modifier_goes_back_to_the_form_with_what_was_typed(fleet_user, rental):
    typo = services.payment_record(
        by=fleet_user, rental=rental, day=days_ago(1), amount=Decimal("304"), method="cash"
    )
    response = logged_in(fleet_user).post(
        correct_url(rental, typo),
        {"reason": "Faute de frappe.", "correct_amount": "30,40", "confirmed": "1", "edit": "1"},
    )
    content = text(response)
    assert "Vérifiez avant de confirmer" not in content
    assert "Faute de frappe." in content and 'value="30,40"' in content
    assert not LedgerEntry.objects.filter(reverses__isnull=False).exists()
