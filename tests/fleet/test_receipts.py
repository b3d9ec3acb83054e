"""Every payment gets a receipt numbered per platform, in sequence, without gaps."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from fleet import rules, selectors, services
from fleet.enums import EntryKind
from fleet.models import LedgerEntry
from fleet.pdf import receipt_pdf
from mobility.enums import Role
from mobility.errors import InvalidInput, NotFound
from tests.factories import OrganisationFactory, member
from tests.fleet.conftest import CONDITION_OK, VehicleFactory, days_ago, hand_over, open_pathway
from tests.pdf_text import pdf_text


def pay(user, rental, amount, method="cash"):
    return services.payment_record(
        by=user, rental=rental, day=days_ago(1), amount=Decimal(amount), method=method
    )


def test_payments_are_numbered_in_sequence_on_each_platform(fleet_user, rental, other_world):
    first = services.checkin_record(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=7),
        odometer_km=42100,
        condition=CONDITION_OK,
        payment_amount=Decimal("17.50"),
        payment_method="cash",
    ).payment
    second = pay(fleet_user, rental, "10.00")
    elsewhere = pay(other_world["adviser"], other_world["rental"], "5.00")
    third = services.rental_return(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=14),
        odometer_km=42300,
        condition=CONDITION_OK,
        payment_amount=Decimal("7.50"),
        payment_method="card",
    ).ledger.get(kind=EntryKind.PAYMENT, receipt_number__gt=2)

    assert [first.receipt_number, second.receipt_number, third.receipt_number] == [1, 2, 3]
    assert elsewhere.receipt_number == 1  # each platform counts its own
    assert (
        not LedgerEntry.objects.exclude(kind=EntryKind.PAYMENT)
        .filter(receipt_number__isnull=False)
        .exists()
    )


def test_a_payment_that_is_rolled_back_gives_its_number_back(fleet_user, rental):
    pay(fleet_user, rental, "10.00")
    with pytest.raises(InvalidInput):
        # The payment is written, then the retention is refused: all of it rolls back.
        services.rental_return(
            by=fleet_user,
            rental=rental,
            day=days_ago(0),
            odometer_km=42300,
            condition=CONDITION_OK,
            payment_amount=Decimal("5.00"),
            payment_method="cash",
            deposit_retained=Decimal("151"),
            deposit_retained_reason="Trop.",
        )
    assert pay(fleet_user, rental, "5.00").receipt_number == 2


def test_the_database_refuses_a_payment_without_number_or_a_number_twice(fleet_user, rental):
    taken = pay(fleet_user, rental, "10.00")
    for number in (None, taken.receipt_number):
        payment = LedgerEntry(
            platform_id=rental.platform_id,
            rental=rental,
            kind=EntryKind.PAYMENT,
            date=days_ago(1),
            amount=Decimal("5"),
            method="cash",
            receipt_number=number,
            created_by=fleet_user,
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            payment.save()


def test_the_receipt_names_the_platform_the_person_the_rental_and_the_balance_after(
    fleet_user, rental
):
    services.checkin_record(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=14),
        odometer_km=42300,
        condition=CONDITION_OK,
    )  # 35,00 € due
    payment = pay(fleet_user, rental, "30.40", method="transfer")
    pay(fleet_user, rental, "4.60")  # later: not on the first receipt's balance

    receipt = selectors.receipt(LedgerEntry.objects.all(), payment.pk)
    text = pdf_text(receipt_pdf(receipt))

    assert receipt.balance.due == Decimal("4.60")
    assert "Reçu de paiement" in text
    assert f"n° {payment.receipt_number}" in text
    assert rental.platform.name in text
    assert rental.beneficiary.full_name in text
    assert f"location n° {rental.pk}" in text
    assert rental.vehicle.label in text
    assert "30,40 €" in text
    assert "Virement" in text
    assert "4,60 € restant dû" in text
    assert "annulé" not in text.lower()


def test_the_receipt_of_a_reversed_payment_says_it_was_cancelled(fleet_user, rental):
    payment = pay(fleet_user, rental, "304.00")
    services.ledger_entry_reverse(entry=payment, by=fleet_user, reason="Faute de frappe.")
    text = pdf_text(receipt_pdf(selectors.receipt(LedgerEntry.objects.all(), payment.pk)))
    assert "PAIEMENT ANNULÉ" in text.upper()
    assert "Faute de frappe." in text
    assert "304,00 € d'avance" in text  # the balance as it stood after the payment


def test_only_a_payment_has_a_receipt(fleet_user, rental):
    deposit = LedgerEntry.objects.get(rental=rental, kind=EntryKind.DEPOSIT_IN)
    with pytest.raises(NotFound):
        selectors.receipt(LedgerEntry.objects.all(), deposit.pk)


# ---- concurrent payments (PostgreSQL: SQLite serialises writers)


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_of_a_platform_take_distinct_consecutive_numbers():
    from django.db import connection

    from tests.factories import PlatformFactory
    from tests.fleet.test_rental_race import require_postgresql, run_together

    require_postgresql()
    platform = PlatformFactory()
    adviser = member(Role.ADVISER, platform)
    organisation = OrganisationFactory(platform=platform)
    rentals = [
        hand_over(adviser, open_pathway(adviser, organisation), VehicleFactory(platform=platform))
        for _ in range(6)
    ]

    results = run_together(lambda rental: pay(adviser, rental, "5.00").receipt_number, rentals)

    assert sorted(number for _, number in results) == [1, 2, 3, 4, 5, 6], results
    assert connection.vendor == "postgresql"


def test_a_receipt_that_cannot_be_printed_says_why(fleet_user, rental):
    deposit = LedgerEntry.objects.get(rental=rental, kind=EntryKind.DEPOSIT_IN)
    with pytest.raises(NotFound) as missing:
        selectors.receipt(LedgerEntry.objects.all(), deposit.pk + 1000)
    assert missing.value.message == "Écriture introuvable."
    with pytest.raises(NotFound) as not_a_payment:
        selectors.receipt(LedgerEntry.objects.all(), deposit.pk)
    assert not_a_payment.value.message == (
        "Cette écriture n'est pas un paiement : elle n'a pas de reçu."
    )


def test_the_balance_on_a_receipt_is_its_rentals_alone(fleet_user, rental, other_world):
    # Another person's check-in, recorded just before: 17,50 € that this receipt never owes.
    services.checkin_record(
        by=other_world["adviser"],
        rental=other_world["rental"],
        day=other_world["rental"].start_date + timedelta(days=7),
        odometer_km=42100,
        condition=CONDITION_OK,
    )
    payment = pay(fleet_user, rental, "20.00")
    receipt = selectors.receipt(LedgerEntry.objects.all(), payment.pk)
    assert receipt.balance == rules.Balance(
        charged=Decimal("0.00"), paid=Decimal("20.00"), deposit_held=Decimal("150.00")
    )


def test_a_receipt_is_printed_in_the_same_queries_reversed_or_not(
    fleet_user, rental, django_assert_num_queries
):
    kept = pay(fleet_user, rental, "10.00")
    cancelled = pay(fleet_user, rental, "304.00")
    services.ledger_entry_reverse(entry=cancelled, by=fleet_user, reason="Faute de frappe.")
    for payment in (kept, cancelled):
        # The payment with its platform, rental, vehicle, person, author and reversal; then
        # the rental's entries up to it.
        with django_assert_num_queries(2):
            receipt_pdf(selectors.receipt(LedgerEntry.objects.all(), payment.pk))
