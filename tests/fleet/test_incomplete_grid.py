"""A tariff grid that does not price every vehicle kind cannot be chosen, and a quote or a
rental of a kind it misses is a French 422, never a 500."""

from datetime import timedelta

import pytest
from django.contrib.admin.sites import AdminSite

from fleet import services
from fleet.admin import FleetSettingsAdmin
from fleet.models import FleetSettings, Rental, TariffGrid, TariffStep
from mobility.errors import InvalidInput
from tests.fleet.conftest import VehicleFactory, days_ago, hand_over

BASE = "/api/v1/fleet"


def grid_without_bikes(platform) -> TariffGrid:
    grid = TariffGrid.objects.create(platform=platform, code="sans-velo", version=1, name="X")
    for kind, rate in (("car", "5.00"), ("scooter", "2.00"), ("ebike", "1.00")):
        TariffStep.objects.create(grid=grid, kind=kind, month=1, daily_rate=rate)
    return grid


def force_grid(platform, grid):
    """What an admin could do before: the grid chosen without any check."""
    FleetSettings.objects.filter(pk=services.fleet_settings(platform).pk).update(tariff_grid=grid)


def test_a_grid_missing_a_kind_cannot_be_chosen(platform, admin_user):
    grid = grid_without_bikes(platform)
    with pytest.raises(InvalidInput) as error:
        services.grid_choose(by=admin_user, platform=platform, grid=grid)
    assert error.value.message.startswith("Cette grille ne tarife pas les vélos :")
    assert services.fleet_settings(platform).tariff_grid.code == "standard"


def test_the_admin_refuses_a_grid_missing_a_kind(platform):
    settings = services.fleet_settings(platform)
    admin = FleetSettingsAdmin(FleetSettings, AdminSite())
    form = admin.form(
        data={
            "platform": platform.pk,
            "tariff_grid": grid_without_bikes(platform).pk,
            "km_allowance_percent": "120",
            "checkin_interval_days": 7,
        },
        instance=settings,
    )
    assert not form.is_valid()
    assert "ne tarife pas les vélos" in str(form.errors["tariff_grid"])


def test_a_quote_of_the_missing_kind_is_a_french_422(api, fleet_user, platform, pathway):
    force_grid(platform, grid_without_bikes(platform))
    response = api(fleet_user).get(
        f"{BASE}/quote",
        beneficiary_id=pathway.beneficiary_id,
        kind="bike",
        start=str(days_ago(0)),
        end=str(days_ago(0) + timedelta(days=7)),
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Cette grille ne tarife pas les vélos :")
    car = api(fleet_user).get(
        f"{BASE}/quote",
        beneficiary_id=pathway.beneficiary_id,
        kind="car",
        start=str(days_ago(0)),
        end=str(days_ago(0) + timedelta(days=7)),
    )
    assert car.status_code == 200


def test_a_rental_of_the_missing_kind_is_refused_before_the_hand_over(
    fleet_user, platform, pathway
):
    force_grid(platform, grid_without_bikes(platform))
    bike = VehicleFactory(platform=platform, bike=True)
    with pytest.raises(InvalidInput) as error:
        hand_over(fleet_user, pathway, bike)
    assert "ne tarife pas les vélos" in error.value.message
    assert not Rental.objects.exists()
