"""Tariff grids are versioned data: shipped examples, a platform's choice, new versions."""

from datetime import timedelta
from decimal import Decimal

import pytest

from fleet import services
from fleet.models import FleetSettings, TariffGrid, TariffStep
from mobility.errors import Forbidden
from tests.fleet.conftest import CONDITION_OK, VehicleFactory, hand_over, open_pathway


def test_the_two_example_grids_are_shipped(db):
    grids = {grid.code: grid for grid in TariffGrid.objects.filter(platform__isnull=True)}
    assert set(grids) == {"standard", "progressive"}
    car_steps = grids["progressive"].steps.filter(kind="car").order_by("month")
    assert [step.daily_rate for step in car_steps] == [Decimal(n) for n in "12345"]
    assert grids["progressive"].max_months == 5
    assert grids["progressive"].microcredit_month == 5
    assert grids["standard"].steps.get(kind="car").daily_rate == Decimal("5.00")


def test_a_platform_starts_on_the_standard_grid_and_its_admin_may_choose_another(
    platform, admin_user, fleet_user
):
    assert services.fleet_settings(platform).tariff_grid.code == "standard"
    graduated = services.shipped_grid("progressive")
    with pytest.raises(Forbidden):
        services.grid_choose(by=fleet_user, platform=platform, grid=graduated)
    services.grid_choose(by=admin_user, platform=platform, grid=graduated)
    assert FleetSettings.objects.get(platform=platform).tariff_grid == graduated


def test_a_rental_keeps_the_grid_version_it_was_signed_on(
    platform, admin_user, fleet_user, adviser, prescriber_org
):
    first = hand_over(
        fleet_user, open_pathway(adviser, prescriber_org), VehicleFactory(platform=platform)
    )
    new = services.grid_new_version(by=admin_user, grid=first.tariff_grid, platform=platform)
    assert (new.code, new.version, new.platform) == ("standard", 1, platform)
    step = new.steps.get(kind="car")
    step.daily_rate = Decimal("6.00")
    step.save()
    services.grid_choose(by=admin_user, platform=platform, grid=new)
    second = hand_over(
        fleet_user, open_pathway(adviser, prescriber_org), VehicleFactory(platform=platform)
    )

    day = first.start_date + timedelta(days=7)
    old = services.checkin_record(
        by=fleet_user, rental=first, day=day, odometer_km=42000, condition=CONDITION_OK
    )
    current = services.checkin_record(
        by=fleet_user, rental=second, day=day, odometer_km=42000, condition=CONDITION_OK
    )
    assert old.checkin.amount_due == Decimal("17.50")
    assert current.checkin.amount_due == Decimal("21.00")
    assert services.grid_new_version(by=admin_user, grid=new, platform=platform).version == 2


def test_a_graduated_rental_knows_its_maximum_length_and_microcredit_month(
    platform, admin_user, fleet_user, adviser, prescriber_org
):
    services.grid_choose(
        by=admin_user, platform=platform, grid=services.shipped_grid("progressive")
    )
    rental = hand_over(
        fleet_user, open_pathway(adviser, prescriber_org), VehicleFactory(platform=platform)
    )
    assert rental.max_end_date is not None and rental.microcredit_from < rental.max_end_date
    assert TariffStep.history.exists()
