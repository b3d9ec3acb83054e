"""Returning a vehicle: last period, damages, deposit refunded or retained, vehicle status."""

from datetime import timedelta
from decimal import Decimal

import pytest

from fleet import services
from fleet.enums import EntryKind, RentalStatus, VehicleStatus
from fleet.models import LedgerEntry
from mobility.errors import Conflict, InvalidInput
from tests.fleet.conftest import CONDITION_OK, days_ago


def give_back(user, rental, **kwargs):
    values = {
        "day": rental.start_date + timedelta(days=14),
        "odometer_km": 42600,
        "condition": CONDITION_OK,
    }
    values.update(kwargs)
    return services.rental_return(by=user, rental=rental, **values)


def ledger(rental):
    return list(
        LedgerEntry.objects.filter(rental=rental).order_by("pk").values_list("kind", "amount")
    )


def test_a_clean_return_charges_the_last_period_and_refunds_the_deposit(fleet_user, rental):
    rental = give_back(fleet_user, rental, payment_amount=Decimal("35.00"), payment_method="cash")
    assert rental.status == RentalStatus.RETURNED
    assert rental.end_odometer_km == 42600
    assert ledger(rental) == [
        (EntryKind.DEPOSIT_IN, Decimal("150.00")),
        (EntryKind.CHARGE, Decimal("35.00")),
        (EntryKind.PAYMENT, Decimal("35.00")),
        (EntryKind.DEPOSIT_REFUND, Decimal("150.00")),
    ]
    balance = services.rental_balance(rental)
    assert balance.due == 0 and balance.deposit_held == 0
    rental.vehicle.refresh_from_db()
    assert rental.vehicle.status == VehicleStatus.AVAILABLE
    assert rental.vehicle.odometer_km == 42600


def test_damages_are_owed_and_part_of_the_deposit_can_be_retained(fleet_user, rental):
    rental = give_back(
        fleet_user,
        rental,
        condition={**CONDITION_OK, "body": "damaged"},
        damages=[services.Damage("Rétroviseur gauche cassé", Decimal("60.00"))],
        deposit_retained=Decimal("95.00"),
        deposit_retained_reason="Rétroviseur et 14 jours impayés.",
    )
    assert ledger(rental)[1:] == [
        (EntryKind.CHARGE, Decimal("35.00")),
        (EntryKind.DAMAGE, Decimal("60.00")),
        (EntryKind.DEPOSIT_RETAINED, Decimal("95.00")),
        (EntryKind.DEPOSIT_REFUND, Decimal("55.00")),
    ]
    assert services.rental_balance(rental).due == 0
    rental.vehicle.refresh_from_db()
    assert rental.vehicle.status == VehicleStatus.MAINTENANCE  # damaged: to the garage


def test_retaining_needs_a_reason(fleet_user, rental):
    with pytest.raises(InvalidInput) as error:
        give_back(fleet_user, rental, deposit_retained=Decimal("10"))
    assert "deposit_retained_reason" in error.value.errors


def test_the_retained_part_never_exceeds_what_is_owed(fleet_user, rental):
    with pytest.raises(InvalidInput) as error:
        give_back(
            fleet_user,
            rental,
            payment_amount=Decimal("35"),
            payment_method="cash",
            deposit_retained=Decimal("1"),
            deposit_retained_reason="Au cas où.",
        )
    assert "deposit_retained" in error.value.errors
    rental.refresh_from_db()
    assert rental.status == RentalStatus.OPEN  # nothing written


def test_the_retained_part_never_exceeds_the_deposit(fleet_user, rental):
    with pytest.raises(InvalidInput):
        give_back(
            fleet_user,
            rental,
            damages=[services.Damage("Pare-brise", Decimal("400"))],
            deposit_retained=Decimal("151"),
            deposit_retained_reason="Pare-brise.",
        )


def test_the_adviser_can_end_a_rental_early_with_a_reason(adviser, rental):
    rental = give_back(
        adviser,
        rental,
        day=days_ago(1),
        end_reason="Kilométrage très au-delà du forfait",
        vehicle_status=VehicleStatus.MAINTENANCE,
    )
    rental.refresh_from_db()
    assert rental.status == RentalStatus.RETURNED
    assert rental.end_date == days_ago(1)
    assert rental.end_reason == "Kilométrage très au-delà du forfait"
    assert rental.returned_by == adviser
    rental.vehicle.refresh_from_db()
    assert rental.vehicle.status == VehicleStatus.MAINTENANCE  # chosen, though undamaged


def test_no_check_in_payment_or_second_return_after_the_return(fleet_user, rental):
    give_back(fleet_user, rental)
    with pytest.raises(Conflict):
        services.checkin_record(
            by=fleet_user,
            rental=rental,
            day=days_ago(0),
            odometer_km=42700,
            condition=CONDITION_OK,
        )
    with pytest.raises(Conflict):
        services.payment_record(
            by=fleet_user, rental=rental, day=days_ago(0), amount=Decimal("5"), method="cash"
        )
    with pytest.raises(Conflict):
        give_back(fleet_user, rental)


def test_the_vehicle_can_be_rented_again_after_its_return(
    fleet_user, adviser, prescriber_org, rental
):
    from tests.fleet.conftest import hand_over, open_pathway

    give_back(fleet_user, rental, day=days_ago(2))
    rental.vehicle.refresh_from_db()
    again = hand_over(
        fleet_user, open_pathway(adviser, prescriber_org), rental.vehicle, start=days_ago(1)
    )
    assert again.start_odometer_km == 42600


def test_the_odometer_cannot_go_backwards_at_the_return(fleet_user, rental):
    with pytest.raises(InvalidInput) as error:
        give_back(fleet_user, rental, odometer_km=41000)
    assert "odometer_km" in error.value.errors
