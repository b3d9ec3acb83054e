"""After the return, money paid beyond what the rental owed is given back to the person."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from fleet import services
from fleet.enums import EntryKind
from fleet.models import LedgerEntry, Rental
from mobility.errors import Conflict, InvalidInput
from tests.fleet.conftest import CONDITION_OK, days_ago


def return_overpaid(user, rental, paid="100.00"):
    """Two weeks at 17,50 € (35,00 €), 100,00 € paid: 65,00 € overpaid."""
    services.rental_return(
        by=user,
        rental=rental,
        day=rental.start_date + timedelta(days=14),
        odometer_km=42300,
        condition=CONDITION_OK,
        payment_amount=Decimal(paid),
        payment_method="cash",
    )
    return Rental.objects.with_balance().get(pk=rental.pk)


def refund(user, rental, amount, **kwargs):
    values = {"reason": "Trop-perçu rendu en espèces.", "method": "cash"}
    values.update(kwargs)
    return services.rental_refund(rental=rental, amount=Decimal(amount), by=user, **values)


def test_the_overpaid_balance_of_a_returned_rental_is_given_back(fleet_user, rental):
    rental = return_overpaid(fleet_user, rental)
    assert rental.refundable == Decimal("65.00")

    entry = refund(fleet_user, rental, "65.00")

    assert (entry.kind, entry.amount, entry.method, entry.date) == (
        EntryKind.REFUND,
        Decimal("65.00"),
        "cash",
        days_ago(0),
    )
    assert entry.reason == "Trop-perçu rendu en espèces."
    assert entry.created_by == fleet_user
    assert entry.receipt_number is None
    assert services.rental_balance(rental).due == Decimal("0.00")
    rental = Rental.objects.with_balance().get(pk=rental.pk)
    assert (rental.balance_due, rental.paid, rental.refundable) == (
        Decimal("0.00"),
        Decimal("35.00"),
        Decimal("0.00"),
    )


def test_a_refund_can_be_given_in_several_times_never_beyond_the_overpaid_balance(
    fleet_user, rental
):
    rental = return_overpaid(fleet_user, rental)
    refund(fleet_user, rental, "40.00")
    with pytest.raises(InvalidInput) as error:
        refund(fleet_user, rental, "25.01")
    assert "25,00" in error.value.errors["amount"]
    refund(fleet_user, rental, "25.00")
    with pytest.raises(InvalidInput, match="rien à rembourser"):
        refund(fleet_user, rental, "0.01")


def test_there_is_no_refund_while_the_rental_is_open(fleet_user, rental):
    services.payment_record(
        by=fleet_user, rental=rental, day=days_ago(1), amount=Decimal("100"), method="cash"
    )
    with pytest.raises(Conflict, match="après le retour"):
        refund(fleet_user, rental, "10.00")


def test_a_refund_needs_a_reason_a_method_and_a_date_from_the_return(fleet_user, rental):
    rental = return_overpaid(fleet_user, rental)
    with pytest.raises(InvalidInput) as error:
        refund(
            fleet_user,
            rental,
            "10.00",
            reason=" ",
            method="paypal",
            day=rental.end_date - timedelta(days=1),
        )
    assert set(error.value.errors) == {"reason", "method", "date"}
    with pytest.raises(InvalidInput) as error:
        refund(fleet_user, rental, "10.00", day=days_ago(-1))
    assert "futur" in error.value.errors["date"]
    assert not LedgerEntry.objects.filter(kind=EntryKind.REFUND).exists()


def test_a_refund_given_by_mistake_is_reversed_like_any_entry(fleet_user, rental):
    rental = return_overpaid(fleet_user, rental)
    mistaken = refund(fleet_user, rental, "65.00")
    services.ledger_entry_reverse(entry=mistaken, by=fleet_user, reason="Pas encore rendu.")
    assert services.rental_balance(rental).due == Decimal("-65.00")


def test_too_much_retained_on_the_deposit_shows_as_overpaid_and_is_refunded(fleet_user, rental):
    services.rental_return(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=14),
        odometer_km=42300,
        condition=CONDITION_OK,
        damages=[services.Damage("Rétroviseur", Decimal("60.00"))],
        deposit_retained=Decimal("95.00"),
        deposit_retained_reason="Rétroviseur et deux semaines.",
    )
    damage = LedgerEntry.objects.get(rental=rental, kind=EntryKind.DAMAGE)
    services.ledger_entry_reverse(
        entry=damage,
        by=fleet_user,
        reason="Le rétroviseur coûte 20 €.",
        correct_amount=Decimal("20"),
    )
    rental = Rental.objects.with_balance().get(pk=rental.pk)
    assert rental.refundable == Decimal("40.00")
    refund(fleet_user, rental, "40.00", method="cheque")
    assert services.rental_balance(rental).due == Decimal("0.00")


def test_the_database_refuses_a_refund_without_reason_or_method(fleet_user, rental):
    for fields in ({"reason": "", "method": "cash"}, {"reason": "Trop-perçu.", "method": ""}):
        entry = LedgerEntry(
            platform_id=rental.platform_id,
            rental=rental,
            kind=EntryKind.REFUND,
            date=days_ago(0),
            amount=Decimal("5"),
            created_by=fleet_user,
            **fields,
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            entry.save()
