"""The weekly point étape: amount due from the grid, payment, odometer, km allowance."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from fleet import services
from fleet.enums import EntryKind
from fleet.models import CheckIn, LedgerEntry, Vehicle
from mobility.errors import Conflict, Forbidden, InvalidInput
from tests.fleet.conftest import CONDITION_OK, days_ago


def check_in(user, rental, day, odometer_km, **kwargs):
    return services.checkin_record(
        by=user,
        rental=rental,
        day=day,
        odometer_km=odometer_km,
        condition=kwargs.pop("condition", CONDITION_OK),
        **kwargs,
    )


def test_a_week_of_car_for_a_qpv_resident_is_charged_17_50_and_can_be_paid(fleet_user, rental):
    result = check_in(
        fleet_user,
        rental,
        rental.start_date + timedelta(days=7),
        42200,
        payment_amount=Decimal("17.50"),
        payment_method="cash",
        notes="Cherche une voiture d'occasion.",
    )
    checkin = result.checkin
    assert checkin.amount_due == Decimal("17.50")
    assert checkin.period_start == rental.start_date
    assert result.amount_paid == Decimal("17.50")
    assert result.balance.due == Decimal("0.00")
    kinds = list(LedgerEntry.objects.filter(checkin=checkin).values_list("kind", "amount"))
    assert kinds == [(EntryKind.CHARGE, Decimal("17.50")), (EntryKind.PAYMENT, Decimal("17.50"))]
    assert Vehicle.objects.get(pk=rental.vehicle_id).odometer_km == 42200
    assert checkin.history.first().history_user == fleet_user


def test_the_period_runs_from_the_previous_check_in(fleet_user, rental):
    check_in(fleet_user, rental, rental.start_date + timedelta(days=7), 42100)
    second = check_in(fleet_user, rental, rental.start_date + timedelta(days=17), 42300)
    assert second.checkin.period_start == rental.start_date + timedelta(days=7)
    assert second.checkin.amount_due == Decimal("25.00")  # 10 days × 2.50
    assert second.balance.due == Decimal("42.50")  # nothing paid yet: a week can go unpaid


def test_the_km_allowance_counts_the_days_since_the_previous_check_in(fleet_user, rental):
    # 18 km from work: 43.2 km a day. Ten days after a first check-in at 42 100 km, 500 km
    # more is 432 km allowed and 68 over; counted from the hand-over (17 days, 734.4 km
    # allowed) nothing would be flagged.
    check_in(fleet_user, rental, rental.start_date + timedelta(days=7), 42100)
    second = check_in(fleet_user, rental, rental.start_date + timedelta(days=17), 42600)
    assert second.checkin.km_driven == 500
    assert second.checkin.km_allowance == Decimal("432.0")
    assert second.checkin.km_over == Decimal("68.0")


def test_an_rsa_beneficiary_owes_nothing_and_gets_no_charge_row(
    fleet_user, adviser, prescriber_org, vehicle
):
    from tests.fleet.conftest import hand_over, open_pathway

    rental = hand_over(fleet_user, open_pathway(adviser, prescriber_org, rsa=True), vehicle)
    result = check_in(fleet_user, rental, rental.start_date + timedelta(days=7), 42100)
    assert result.checkin.amount_due == Decimal("0.00")
    assert not LedgerEntry.objects.filter(kind=EntryKind.CHARGE).exists()


def test_km_over_the_allowance_are_flagged(fleet_user, rental):
    # 43.2 km a day for 7 days = 302.4 km.
    result = check_in(fleet_user, rental, rental.start_date + timedelta(days=7), 42400)
    assert result.checkin.km_driven == 400
    assert result.checkin.km_allowance == Decimal("302.4")
    assert result.checkin.km_over == Decimal("97.6")


def test_the_odometer_cannot_go_backwards(fleet_user, rental):
    check_in(fleet_user, rental, rental.start_date + timedelta(days=7), 42500)
    with pytest.raises(InvalidInput) as error:
        check_in(fleet_user, rental, rental.start_date + timedelta(days=14), 42499)
    assert "42500" in error.value.errors["odometer_km"]
    assert CheckIn.objects.count() == 1


def test_the_odometer_cannot_go_below_the_hand_over_reading(fleet_user, rental):
    with pytest.raises(InvalidInput) as error:
        check_in(fleet_user, rental, rental.start_date + timedelta(days=7), 41999)
    assert "42000" in error.value.errors["odometer_km"]
    assert not CheckIn.objects.filter(rental=rental).exists()
    assert not LedgerEntry.objects.filter(rental=rental, kind=EntryKind.CHARGE).exists()
    assert Vehicle.objects.get(pk=rental.vehicle_id).odometer_km == 42000


def test_dates_must_follow_the_previous_check_in_and_not_be_in_the_future(fleet_user, rental):
    check_in(fleet_user, rental, rental.start_date + timedelta(days=7), 42100)
    with pytest.raises(InvalidInput) as error:
        check_in(fleet_user, rental, rental.start_date + timedelta(days=6), 42200)
    assert "date" in error.value.errors
    with pytest.raises(InvalidInput):
        check_in(fleet_user, rental, days_ago(-1), 42200)
    with pytest.raises(Conflict):
        check_in(fleet_user, rental, rental.start_date + timedelta(days=7), 42200)


@pytest.mark.parametrize("amount", [Decimal("-5"), Decimal("0")])
def test_a_payment_must_be_positive(fleet_user, rental, amount):
    with pytest.raises(InvalidInput) as error:
        check_in(
            fleet_user, rental, days_ago(1), 42100, payment_amount=amount, payment_method="cash"
        )
    assert "payment.amount" in error.value.errors
    assert not CheckIn.objects.exists()


def test_the_checklist_is_checked(fleet_user, rental):
    with pytest.raises(InvalidInput) as error:
        check_in(fleet_user, rental, days_ago(1), 42100, condition={"tyres": "flat"})
    assert "condition.brakes" in error.value.errors
    assert "condition.tyres" in error.value.errors


def test_a_payment_outside_a_check_in(fleet_user, rental):
    entry = services.payment_record(
        by=fleet_user, rental=rental, day=days_ago(1), amount=Decimal("20"), method="transfer"
    )
    assert (entry.kind, entry.amount, entry.method) == ("payment", Decimal("20.00"), "transfer")
    assert services.rental_balance(rental).due == Decimal("-20.00")


def test_another_role_cannot_check_in(instructor, rental):
    with pytest.raises(Forbidden):
        check_in(instructor, rental, days_ago(1), 42100)


def test_the_database_refuses_negative_amounts(fleet_user, rental):
    entry = LedgerEntry(
        platform_id=rental.platform_id,
        rental=rental,
        kind=EntryKind.PAYMENT,
        date=days_ago(1),
        amount=Decimal("-1"),
        method="cash",
        created_by=fleet_user,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()
    entry.amount, entry.method = Decimal("5"), ""
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()  # a payment without its method
