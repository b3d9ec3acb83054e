"""Each role's everyday journey in Chromium, counted (pages, clicks, typed fields) and
photographed step by step (tests/e2e/journeys.py). A journey that grows longer than the
task needs fails here before a person trips on it."""

from datetime import timedelta
from urllib.request import Request, urlopen

import pytest
from django.core.management import call_command
from django.utils import timezone
from selenium.webdriver.common.by import By

from fleet.models import CheckIn, Rental
from mobility.demo_data import DEMO_PASSWORD
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


def download(journey: Journey, link_text: str) -> bytes:
    """A download, as the browser would fetch it: with the person's session."""
    link = journey.browser.find_element(By.PARTIAL_LINK_TEXT, link_text)
    journey.clicks += 1
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in journey.browser.get_cookies())
    request = Request(link.get_attribute("href"), headers={"Cookie": cookies})
    with urlopen(request, timeout=60) as answer:  # noqa: S310 (the live test server)
        assert answer.status == 200
        return answer.read()


def test_a_funder_opens_the_report_and_downloads_the_pdf_and_the_spreadsheet(tablet, live_server):
    call_command("seed_demo", stdout=None)
    journey = Journey(tablet, live_server, "financeur-rapport")

    journey.sign_in("financeur", DEMO_PASSWORD)
    journey.follow("Consulter le rapport d'activité")
    assert "Rapport d'activité" in journey.page
    pdf = download(journey, "PDF")
    xlsx = download(journey, "Tableur (XLSX)")

    assert pdf.startswith(b"%PDF")
    assert xlsx.startswith(b"PK")  # a zip: the XLSX container
    line = journey.report()
    assert (journey.pages, journey.clicks) <= (3, 4), line
