"""An odometer reading is bounded (fleet.rules.MAX_ODOMETER_KM): a huge value is a French
422 or a form error, never a 500 from the PositiveIntegerField columns."""

import pytest
from django.urls import reverse

from fleet import services
from fleet.enums import RentalStatus
from fleet.models import CheckIn, Rental, Vehicle
from fleet.rules import MAX_ODOMETER_KM
from mobility.errors import InvalidInput
from tests.conftest import logged_in
from tests.fleet.conftest import CONDITION_OK, days_ago

BASE = "/api/v1/fleet"
HUGE_PAGE = "99999999999"


def condition_post():
    return {
        f"condition_{item}": "ok" for item in ("tyres", "brakes", "lights", "body", "cleanliness")
    }


def test_the_services_refuse_a_reading_above_the_bound(fleet_user, platform, rental):
    with pytest.raises(InvalidInput) as error:
        services.vehicle_create(
            by=fleet_user, platform=platform, kind="bike", label="Vélo", odometer_km=10**12
        )
    assert "ne peut pas dépasser" in error.value.errors["odometer_km"]
    with pytest.raises(InvalidInput) as error:
        services.checkin_record(
            by=fleet_user,
            rental=rental,
            day=days_ago(0),
            odometer_km=MAX_ODOMETER_KM + 1,
            condition=CONDITION_OK,
        )
    assert "ne peut pas dépasser" in error.value.errors["odometer_km"]
    with pytest.raises(InvalidInput) as error:
        services.rental_return(
            by=fleet_user,
            rental=rental,
            day=days_ago(0),
            odometer_km=MAX_ODOMETER_KM + 1,
            condition=CONDITION_OK,
        )
    assert "ne peut pas dépasser" in error.value.errors["odometer_km"]
    assert not CheckIn.objects.exists()
    assert Rental.objects.get(pk=rental.pk).status == RentalStatus.OPEN


def test_the_bound_itself_is_accepted(fleet_user, rental):
    result = services.checkin_record(
        by=fleet_user,
        rental=rental,
        day=days_ago(0),
        odometer_km=MAX_ODOMETER_KM,
        condition=CONDITION_OK,
    )
    assert result.checkin.odometer_km == MAX_ODOMETER_KM


def test_the_api_answers_a_huge_reading_with_a_french_422(api, fleet_user, rental):
    client = api(fleet_user)
    vehicle = client.post(
        f"{BASE}/vehicles", {"kind": "bike", "label": "Vélo", "odometer_km": 10**12}
    )
    assert vehicle.status_code == 422
    assert vehicle.json()["errors"]["odometer_km"] == "valeur trop grande"
    checkin = client.post(
        f"{BASE}/rentals/{rental.pk}/checkins",
        {"date": str(days_ago(0)), "odometer_km": 10**12, "condition": CONDITION_OK},
    )
    assert checkin.status_code == 422
    assert "odometer_km" in checkin.json()["errors"]
    returned = client.post(
        f"{BASE}/rentals/{rental.pk}/return", {"date": str(days_ago(0)), "odometer_km": 10**12}
    )
    assert returned.status_code == 422
    assert "odometer_km" in returned.json()["errors"]
    assert not CheckIn.objects.exists()


def test_the_pages_show_a_huge_reading_on_its_field(fleet_user, rental):
    client = logged_in(fleet_user)
    vehicles = client.post(
        reverse("fleet:vehicle_list"),
        {"kind": "bike", "label": "Vélo", "odometer_km": HUGE_PAGE},
    )
    assert vehicles.status_code == 200
    assert "ne peut pas dépasser" in str(vehicles.context["form"].errors["odometer_km"])
    checkin = client.post(
        reverse("fleet:checkin_create", args=[rental.pk]),
        {"date": str(days_ago(0)), "odometer_km": HUGE_PAGE, **condition_post()},
    )
    assert checkin.status_code == 200
    assert "ne peut pas dépasser" in str(checkin.context["form"].errors["odometer_km"])
    returned = client.post(
        reverse("fleet:rental_return", args=[rental.pk]),
        {"date": str(days_ago(0)), "odometer_km": HUGE_PAGE, **condition_post()},
    )
    assert returned.status_code == 200
    assert "ne peut pas dépasser" in str(returned.context["form"].errors["odometer_km"])
    assert Vehicle.objects.filter(label="Vélo").count() == 0
    assert Rental.objects.get(pk=rental.pk).status == RentalStatus.OPEN
