"""Each role's everyday journey in Chromium, counted (pages, clicks, typed fields) and
photographed step by step (tests/e2e/journeys.py). A journey that grows longer than the
task needs fails here before a person trips on it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fleet.models import CheckIn, Rental
from tests.e2e.conftest import headless_chromium
from tests.e2e.journeys import Journey
from tests.factories import PASSWORD
from tests.fleet.conftest import VehicleFactory, open_pathway

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tablet():
    driver = headless_chromium(window_size="820,1180")
    yield driver
    driver.quit()


def test_fleet_staff_hand_out_a_car_check_in_twice_and_take_it_back(
    tablet, live_server, fleet_user, adviser, prescriber_org, platform
):
    today = timezone.localdate()
    start = today - timedelta(days=14)
    VehicleFactory(platform=platform, label="C3 blanche", status="maintenance")
    car = VehicleFactory(platform=platform, label="Clio grise", odometer_km=42000)
    pathway = open_pathway(adviser, prescriber_org, last_name="Traoré")
    journey = Journey(tablet, live_server, "flotte-remise-points-etapes-retour")

    journey.sign_in(fleet_user.username, PASSWORD)
    assert journey.path == "/flotte/"  # fleet staff land on the board
    journey.follow("Remettre un véhicule")
    journey.choose("pathway", pathway.pk)
    journey.press_text("Voir ses conditions d'accès")
    assert "1 véhicule non proposé" in journey.page  # the car in maintenance, said up front
    journey.choose("vehicle", car.pk)
    journey.type("start_date", start.isoformat())
    journey.type("deposit", "150")
    journey.tick("input[name=contract_signed]")
    journey.press_text("Enregistrer la remise")
    rental = Rental.objects.get()
    assert journey.path == f"/flotte/locations/{rental.pk}/"
    # The handover succeeds at the first try, in at most 9 pages from the sign-in page.
    assert journey.pages <= 9, journey.report()
    handover_pages = journey.pages

    for day, km in ((start + timedelta(days=7), "42150"), (today, "42300")):
        journey.follow("Faire le point étape")
        journey.type("date", day.isoformat())
        journey.type("odometer_km", km)
        journey.type("payment_amount", "17,50")
        journey.tick("input[name=payment_method][value=cash]")
        journey.press_text("Enregistrer le point étape")
    assert CheckIn.objects.filter(rental=rental).count() == 2

    journey.follow("Enregistrer le retour")
    journey.type("odometer_km", "42310")
    journey.type("deposit_retained", "0")
    journey.press_text("Enregistrer le retour")
    rental.refresh_from_db()
    assert rental.status == "returned"
    line = journey.report()
    assert journey.pages - handover_pages <= 6, line  # two check-ins and the return
