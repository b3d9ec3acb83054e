"""Fleet staff photograph a damage at a check-in on the tablet (Chromium): the file goes
through the page's camera input, and its thumbnail shows on the rental page, beside the
condition it illustrates, opening the full photo through its checked view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from fleet import services
from fleet.models import VehiclePhoto
from tests.e2e.conftest import headless_chromium
from tests.e2e.journeys import Journey
from tests.factories import PASSWORD
from tests.fleet.conftest import VehicleFactory, open_pathway
from tests.fleet.photo_images import photo_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tablet():
    driver = headless_chromium(window_size="820,1180")
    yield driver
    driver.quit()


def test_a_photo_taken_at_a_check_in_shows_as_a_thumbnail_on_the_rental_page(
    tablet, live_server, fleet_user, adviser, prescriber_org, platform, tmp_path
):
    car = VehicleFactory(platform=platform, label="Clio grise", odometer_km=42000)
    pathway = open_pathway(adviser, prescriber_org)
    rental = services.rental_create(
        by=fleet_user,
        pathway=pathway,
        vehicle=car,
        start_date=timezone.localdate() - timedelta(days=7),
        deposit=150,
        contract_signed=True,
    )
    # What the tablet's camera hands the page: a JPEG with the place it was taken.
    picture = tmp_path / "IMG_20261202_0931.jpg"
    picture.write_bytes(photo_bytes((1600, 1200), gps=True, colour=(180, 40, 40)))
    journey = Journey(tablet, live_server, "flotte-photo-point-etape")

    journey.sign_in(fleet_user.username, PASSWORD)
    journey.open(f"/flotte/locations/{rental.pk}/")
    journey.follow("Faire le point étape")
    journey.type("odometer_km", "42210")
    journey.tick("input[name=condition_body][value=damaged]")
    journey.choose("photos_1_item", "body")
    camera = tablet.find_element(By.NAME, "photos_1")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    camera.send_keys(str(picture))
    journey.press_text("Enregistrer le point étape")

    assert journey.path == f"/flotte/locations/{rental.pk}/"
    photo = VehiclePhoto.objects.get()
    assert (photo.moment, photo.item) == ("checkin", "body")
    thumbnail = tablet.find_element(By.CSS_SELECTOR, f"img[src$='/photos/{photo.pk}/vignette/']")
    tablet.execute_script("arguments[0].scrollIntoView({block: 'center'})", thumbnail)
    # Loaded through the checked view, with the session: a real picture, not a broken icon.
    WebDriverWait(tablet, 10).until(
        lambda driver: driver.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth", thumbnail
        )
    )
    assert tablet.execute_script("return arguments[0].naturalWidth", thumbnail) == 400
    assert "Carrosserie / cadre : endommagé" in thumbnail.get_attribute("alt")
    link = thumbnail.find_element(By.XPATH, "..")
    assert link.get_attribute("href").endswith(f"/flotte/photos/{photo.pk}/")
    tablet.save_screenshot(str(journey.folder / "99-vignette.png"))
    journey.report()
