"""A mistaken entry is cancelled by its reversal, never edited: the 304,00 € typo for 30,40 €."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from fleet import services
from fleet.enums import EntryKind
from fleet.models import LedgerEntry
from mobility.enums import Role
from mobility.errors import Conflict, Forbidden, InvalidInput
from tests.factories import member
from tests.fleet.conftest import CONDITION_OK, days_ago


def pay(user, rental, amount, *, day=None, method="cash"):
    return services.payment_record(
        by=user, rental=rental, day=day or days_ago(1), amount=Decimal(amount), method=method
    )


def snapshot(entry):
    fresh = LedgerEntry.objects.get(pk=entry.pk)
    return {field.attname: getattr(fresh, field.attname) for field in LedgerEntry._meta.fields}


def test_a_mistaken_payment_is_cancelled_by_an_opposite_entry_that_leaves_it_untouched(
    fleet_user, rental
):
    typo = pay(fleet_user, rental, "304.00")
    before = snapshot(typo)

    result = services.ledger_entry_reverse(
        entry=typo, by=fleet_user, reason="304,00 € saisis au lieu de 30,40 €."
    )

    reversal = result.reversal
    assert (reversal.kind, reversal.amount, reversal.method) == (
        EntryKind.PAYMENT,
        Decimal("-304.00"),
        "cash",
    )
    assert reversal.reverses == typo
    assert reversal.date == typo.date  # the movement it describes did not happen
    assert reversal.reason == "304,00 € saisis au lieu de 30,40 €."
    assert reversal.created_by == fleet_user
    assert reversal.receipt_number is None  # the payment's receipt stays, marked as cancelled
    assert result.replacement is None
    assert snapshot(typo) == before
    assert services.rental_balance(rental).due == Decimal("0.00")
    assert reversal.history.get().history_user == fleet_user


def test_the_correct_amount_is_written_in_place_of_the_typo_with_its_own_receipt(
    fleet_user, rental
):
    typo = pay(fleet_user, rental, "304.00", method="card")

    result = services.ledger_entry_reverse(
        entry=typo,
        by=fleet_user,
        reason="Faute de frappe.",
        correct_amount=Decimal("30.40"),
    )

    replacement = result.replacement
    assert (replacement.kind, replacement.amount, replacement.method, replacement.date) == (
        EntryKind.PAYMENT,
        Decimal("30.40"),
        "card",
        typo.date,
    )
    assert replacement.receipt_number == typo.receipt_number + 1
    assert result.balance.due == Decimal("-30.40")
    assert services.rental_balance(rental).due == Decimal("-30.40")


def test_the_issue_s_rental_left_overpaid_after_its_return_is_put_right(fleet_user, rental):
    """A 304,00 € typo for 30,40 €, then the return: the rental reads 234,00 € paid in
    advance; reversing the typo with the right amount leaves what the person owes."""
    check_in = services.checkin_record(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=14),
        odometer_km=42300,
        condition=CONDITION_OK,
        payment_amount=Decimal("304.00"),
        payment_method="cash",
    )
    services.rental_return(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=28),
        odometer_km=42600,
        condition=CONDITION_OK,
    )
    assert services.rental_balance(rental).due == Decimal("-234.00")  # 70,00 € owed

    services.ledger_entry_reverse(
        entry=check_in.payment,
        by=fleet_user,
        reason="304,00 € saisis au lieu de 30,40 €.",
        correct_amount=Decimal("30.40"),
    )

    assert services.rental_balance(rental).due == Decimal("39.60")


def test_a_correction_needs_a_reason(fleet_user, rental):
    typo = pay(fleet_user, rental, "304.00")
    with pytest.raises(InvalidInput) as error:
        services.ledger_entry_reverse(entry=typo, by=fleet_user, reason="  ")
    assert "reason" in error.value.errors
    assert not LedgerEntry.objects.filter(reverses__isnull=False).exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("304.00"), "déjà le montant"),
        (Decimal("0"), "positif"),
        (Decimal("5000.01"), "dépasser"),
    ],
)
def test_the_correct_amount_must_differ_and_stay_within_bounds(fleet_user, rental, amount, message):
    typo = pay(fleet_user, rental, "304.00")
    with pytest.raises(InvalidInput) as error:
        services.ledger_entry_reverse(
            entry=typo, by=fleet_user, reason="Faute de frappe.", correct_amount=amount
        )
    assert message in error.value.errors["correct_amount"]
    assert LedgerEntry.objects.filter(rental=rental).count() == 2  # deposit and payment


def test_an_entry_is_reversed_at_most_once(fleet_user, rental):
    typo = pay(fleet_user, rental, "304.00")
    services.ledger_entry_reverse(entry=typo, by=fleet_user, reason="Faute de frappe.")
    with pytest.raises(Conflict, match="déjà contre-passée"):
        services.ledger_entry_reverse(entry=typo, by=fleet_user, reason="Encore.")
    assert LedgerEntry.objects.filter(reverses__isnull=False).count() == 1


def test_a_reversal_cannot_be_reversed(fleet_user, rental):
    typo = pay(fleet_user, rental, "304.00")
    reversal = services.ledger_entry_reverse(
        entry=typo, by=fleet_user, reason="Faute de frappe."
    ).reversal
    with pytest.raises(Conflict, match="ne se contre-passe pas"):
        services.ledger_entry_reverse(entry=reversal, by=fleet_user, reason="Oups.")


def test_charges_damages_and_the_deposit_of_an_open_rental_can_be_reversed(fleet_user, rental):
    deposit = LedgerEntry.objects.get(rental=rental, kind=EntryKind.DEPOSIT_IN)
    services.ledger_entry_reverse(
        entry=deposit,
        by=fleet_user,
        reason="Caution de 150 € saisie, 100 € versés.",
        correct_amount=Decimal("100"),
    )
    charge = services.checkin_record(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=7),
        odometer_km=42100,
        condition=CONDITION_OK,
    ).checkin.ledger.get()
    services.ledger_entry_reverse(entry=charge, by=fleet_user, reason="Semaine offerte.")

    balance = services.rental_balance(rental)
    assert balance.due == Decimal("0.00")
    assert balance.deposit_held == Decimal("100.00")


def test_the_deposit_movements_of_a_returned_rental_are_not_reversed(fleet_user, rental):
    services.rental_return(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=7),
        odometer_km=42100,
        condition=CONDITION_OK,
        payment_amount=Decimal("17.50"),
        payment_method="cash",
    )
    for kind in (EntryKind.DEPOSIT_IN, EntryKind.DEPOSIT_REFUND):
        entry = LedgerEntry.objects.get(rental=rental, kind=kind)
        with pytest.raises(Conflict):
            services.ledger_entry_reverse(entry=entry, by=fleet_user, reason="Erreur.")


def test_a_correction_shown_before_another_entry_was_written_is_refused(fleet_user, rental):
    """The confirmation page showed the balance as it was: an entry written since (the
    same form sent twice) makes what it showed untrue, so nothing is written."""
    typo = pay(fleet_user, rental, "304.00")
    seen = services.ledger_last_entry_id(rental)
    pay(fleet_user, rental, "10.00")
    with pytest.raises(Conflict, match="ont changé"):
        services.ledger_entry_reverse(
            entry=typo, by=fleet_user, reason="Faute de frappe.", seen_last_entry_id=seen
        )
    assert not LedgerEntry.objects.filter(reverses__isnull=False).exists()


def test_the_confirmation_tells_the_balance_before_and_after(fleet_user, rental):
    typo = pay(fleet_user, rental, "304.00")
    before, after = services.reversal_balances(typo, Decimal("30.40"))
    assert (before.due, after.due) == (Decimal("-304.00"), Decimal("-30.40"))
    assert not LedgerEntry.objects.filter(reverses__isnull=False).exists()  # nothing written


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.FUNDER])
def test_only_fleet_staff_advisers_and_admins_correct_the_ledger(platform, rental, role):
    typo = pay(member(Role.FLEET, platform), rental, "304.00")
    with pytest.raises(Forbidden):
        services.ledger_entry_reverse(entry=typo, by=member(role, platform), reason="Erreur.")


def test_staff_of_another_platform_cannot_correct_the_ledger(fleet_user, rental, other_adviser):
    typo = pay(fleet_user, rental, "304.00")
    with pytest.raises(Forbidden):
        services.ledger_entry_reverse(entry=typo, by=other_adviser, reason="Erreur.")


# ---- the database, whatever the code does


def reversal_of(entry, user, **fields):
    values = {
        "platform_id": entry.platform_id,
        "rental_id": entry.rental_id,
        "kind": entry.kind,
        "date": entry.date,
        "amount": -entry.amount,
        "method": entry.method,
        "reason": "Erreur.",
        "reverses": entry,
        "reversal_key": None,
        "created_by": user,
    }
    values.update(fields)
    return LedgerEntry(**values)


def test_the_database_refuses_a_second_reversal_of_an_entry(fleet_user, rental):
    typo = pay(fleet_user, rental, "304.00")
    reversal_of(typo, fleet_user).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        reversal_of(typo, fleet_user).save()


def test_the_database_refuses_the_reversal_of_a_reversal(fleet_user, rental):
    typo = pay(fleet_user, rental, "304.00")
    first = reversal_of(typo, fleet_user)
    first.save()
    # A reversal has no key: nothing can point at it.
    assert first.reversal_key is None
    with pytest.raises(IntegrityError), transaction.atomic():
        reversal_of(first, fleet_user, amount=Decimal("304.00")).save()
    # And it cannot be given one: a reversal without its key is the only kind there is.
    first.reversal_key = uuid.uuid4()
    with pytest.raises(IntegrityError), transaction.atomic():
        first.save()


@pytest.mark.parametrize(
    "fields",
    [
        {"reason": ""},  # a reversal says why
        {"amount": Decimal("304.00")},  # of the opposite sign
    ],
)
def test_the_database_refuses_a_reversal_without_reason_or_of_the_same_sign(
    fleet_user, rental, fields
):
    typo = pay(fleet_user, rental, "304.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        reversal_of(typo, fleet_user, **fields).save()
