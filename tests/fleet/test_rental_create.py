"""Handing a vehicle over: eligibility, override, contract, deposit, km allowance."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from fleet import services
from fleet.enums import EntryKind, RentalStatus, VehicleStatus
from fleet.models import LedgerEntry, Rental, Vehicle
from fleet.tariffs import add_months
from mobility.errors import Conflict, Forbidden, InvalidInput
from mobility.models import Notification
from tests.fleet.conftest import VehicleFactory, days_ago, hand_over, open_pathway


def test_a_hand_over_rents_the_vehicle_records_the_deposit_and_the_allowance(
    fleet_user, pathway, vehicle
):
    rental = hand_over(fleet_user, pathway, vehicle, start=days_ago(3))

    assert rental.status == RentalStatus.OPEN
    assert rental.beneficiary_id == pathway.beneficiary_id
    assert rental.home_work_km == Decimal("18")  # from the referral
    assert rental.daily_km_allowance == Decimal("43.2")  # 120 % of 2 × 18
    assert rental.start_odometer_km == 42000
    assert rental.tariff_grid.code == "standard"
    assert rental.max_end_date == add_months(days_ago(3), 6)  # the standard grid's maximum
    assert rental.microcredit_from is None
    vehicle.refresh_from_db()
    assert vehicle.status == VehicleStatus.RENTED
    deposit = LedgerEntry.objects.get(rental=rental)
    assert (deposit.kind, deposit.amount, deposit.method) == (
        EntryKind.DEPOSIT_IN,
        Decimal("150.00"),
        "cheque",
    )
    assert rental.history.first().history_user == fleet_user
    assert vehicle.history.first().history_user == fleet_user


def test_the_distance_given_at_hand_over_wins_over_the_referral(fleet_user, pathway, vehicle):
    rental = hand_over(fleet_user, pathway, vehicle, home_work_km=Decimal("10"))
    assert rental.daily_km_allowance == Decimal("24.0")


def test_without_any_distance_the_hand_over_asks_for_one(
    fleet_user, adviser, prescriber_org, vehicle
):
    pathway = open_pathway(adviser, prescriber_org, home_work_km=None)
    with pytest.raises(InvalidInput) as error:
        hand_over(fleet_user, pathway, vehicle)
    assert "home_work_km" in error.value.errors


def test_an_unsigned_contract_blocks_the_hand_over(fleet_user, pathway, vehicle):
    with pytest.raises(InvalidInput) as error:
        services.rental_create(
            by=fleet_user,
            pathway=pathway,
            vehicle=vehicle,
            start_date=days_ago(1),
            deposit=Decimal("150"),
            contract_signed=False,
        )
    assert set(error.value.errors) == {"contract_signed"}
    assert not Rental.objects.exists()


def test_each_missing_eligibility_condition_is_named(fleet_user, adviser, prescriber_org, vehicle):
    pathway = open_pathway(
        adviser, prescriber_org, licence_held=False, licence_since=None, contract="cdd"
    )
    with pytest.raises(InvalidInput) as error:
        hand_over(fleet_user, pathway, vehicle)
    assert set(error.value.errors) == {"licence_missing", "contract_dates_unknown"}
    assert "déroger" in error.value.message


def test_a_cdd_long_enough_is_accepted_with_its_end_date(
    fleet_user, adviser, prescriber_org, vehicle
):
    pathway = open_pathway(adviser, prescriber_org, contract="cdd")
    end = pathway.referrals.get().job_start_date + timedelta(days=90)
    rental = hand_over(fleet_user, pathway, vehicle, contract_end_date=end)
    assert not rental.eligibility_overridden


def test_an_adviser_may_override_with_a_written_reason(adviser, prescriber_org, vehicle):
    pathway = open_pathway(adviser, prescriber_org, licence_since=days_ago(100))
    rental = hand_over(
        adviser, pathway, vehicle, override_reason="Conduite accompagnée pendant 3 ans."
    )
    assert rental.eligibility_overridden
    assert rental.eligibility_missing == ["licence_too_recent"]
    assert rental.eligibility_override_reason == "Conduite accompagnée pendant 3 ans."


def test_fleet_staff_may_not_override(fleet_user, adviser, prescriber_org, vehicle):
    pathway = open_pathway(adviser, prescriber_org, licence_since=days_ago(100))
    with pytest.raises(Forbidden):
        hand_over(fleet_user, pathway, vehicle, override_reason="Je pense que ça ira.")


def test_a_bike_needs_no_licence(fleet_user, adviser, prescriber_org, platform):
    pathway = open_pathway(adviser, prescriber_org, licence_held=False, licence_since=None)
    bike = VehicleFactory(platform=platform, bike=True)
    rental = hand_over(adviser, pathway, bike, deposit="0", deposit_waiver_reason="Sans ressource.")
    assert not rental.eligibility_overridden
    assert not LedgerEntry.objects.filter(rental=rental).exists()  # no deposit, no row


def test_a_vehicle_not_available_is_a_conflict(fleet_user, adviser, prescriber_org, rental):
    other = open_pathway(adviser, prescriber_org)
    with pytest.raises(Conflict):
        hand_over(fleet_user, other, rental.vehicle)
    assert Rental.objects.count() == 1


def test_a_vehicle_in_maintenance_cannot_be_rented(fleet_user, pathway, vehicle):
    services.vehicle_set_status(by=fleet_user, vehicle=vehicle, status=VehicleStatus.MAINTENANCE)
    with pytest.raises(Conflict):
        hand_over(fleet_user, pathway, vehicle)


def test_the_index_refusal_becomes_a_conflict_not_a_500(
    fleet_user, adviser, prescriber_org, rental
):
    # Even if the vehicle's status were wrong, the partial unique index says no.
    vehicle = Vehicle.objects.get(pk=rental.vehicle_id)
    vehicle.status = VehicleStatus.AVAILABLE
    vehicle.save()
    with pytest.raises(Conflict):
        hand_over(fleet_user, open_pathway(adviser, prescriber_org), vehicle)
    assert Rental.objects.count() == 1


def test_the_database_refuses_two_open_rentals_of_one_vehicle(rental):
    copy = Rental.objects.get(pk=rental.pk)
    copy.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


@pytest.mark.parametrize(
    ("field", "value"),
    [("deposit", Decimal("-1")), ("contract_signed", False), ("eligibility_overridden", True)],
)
def test_the_database_refuses_what_must_never_happen(rental, field, value):
    setattr(rental, field, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        rental.save()


def test_a_negative_deposit_is_invalid(fleet_user, pathway, vehicle):
    with pytest.raises(InvalidInput) as error:
        hand_over(fleet_user, pathway, vehicle, deposit="-10")
    assert "deposit" in error.value.errors


def test_a_rental_cannot_start_before_the_pathway(fleet_user, pathway, vehicle):
    with pytest.raises(InvalidInput) as error:
        hand_over(fleet_user, pathway, vehicle, start=pathway.opened_on - timedelta(days=1))
    assert "start_date" in error.value.errors


def test_other_roles_cannot_hand_over(instructor, pathway, vehicle):
    with pytest.raises(Forbidden):
        hand_over(instructor, pathway, vehicle)


def test_a_vehicle_of_another_platform_is_refused(fleet_user, pathway, other_platform):
    with pytest.raises(InvalidInput):
        hand_over(fleet_user, pathway, VehicleFactory(platform=other_platform))


def test_a_closed_pathway_takes_no_rental(fleet_user, adviser, pathway, vehicle):
    from mobility import services as core_services

    core_services.pathway_close(
        pathway=pathway, by=adviser, closed_on=days_ago(0), outcome="cdi", durable_solution=True
    )
    with pytest.raises(Conflict):
        hand_over(fleet_user, pathway, vehicle)


def test_the_referent_learns_that_a_rental_started(
    fleet_user, pathway, vehicle, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hand_over(fleet_user, pathway, vehicle, start=days_ago(1))

    notification = Notification.objects.get(event="service_started")
    assert notification.referral.pathway_id == pathway.pk
    assert "location d'un véhicule (voiture)" in notification.body
    assert notification.sent_at is not None
