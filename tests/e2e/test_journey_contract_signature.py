"""The rental contract signed on the tablet (Chromium): the person signs with a finger (a
touch pointer), the staff member with a stylus or a mouse, on the rental's page; the page
then says "Signé sur tablette", and the frozen PDF, looked at as an image (pdftoppm),
carries both drawings, legible, with the names and the content hash."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By

from fleet import services
from mobility.models import SignedDocument
from mobility.signatures import ink_pixels
from tests.e2e.conftest import headless_chromium
from tests.e2e.journeys import Journey
from tests.factories import PASSWORD
from tests.fleet.conftest import VehicleFactory, open_pathway
from tests.pdf_text import check_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A scribble across the pad: offsets from the canvas's centre, in CSS pixels.
STROKE = [
    (-150, 10),
    (-120, -30),
    (-90, 25),
    (-60, -35),
    (-30, 30),
    (0, -25),
    (30, 35),
    (60, -30),
    (90, 20),
    (120, -20),
    (150, 15),
]


@pytest.fixture
def tablet():
    driver = headless_chromium(window_size="820,1180")
    yield driver
    driver.quit()


def draw_with_a_finger(driver, canvas) -> None:
    finger = PointerInput(interaction.POINTER_TOUCH, "finger")
    actions = ActionBuilder(driver, mouse=finger)
    x, y = STROKE[0]
    actions.pointer_action.move_to(canvas, x, y).pointer_down()
    for x, y in STROKE[1:]:
        actions.pointer_action.move_to(canvas, x, y)
    actions.pointer_action.pointer_up()
    actions.perform()


def draw_with_the_mouse(driver, canvas) -> None:
    chain = ActionChains(driver)
    x, y = STROKE[0]
    chain.move_to_element_with_offset(canvas, x, -y).click_and_hold()
    previous = (x, -y)
    for x, y in STROKE[1:]:
        chain.move_by_offset(x - previous[0], -y - previous[1])
        previous = (x, -y)
    chain.release().perform()


def test_the_contract_is_signed_with_a_finger_and_a_mouse_and_its_pdf_shows_it(
    tablet, live_server, fleet_user, adviser, prescriber_org, platform, tmp_path
):
    fleet_user.first_name, fleet_user.last_name = "Paul", "Agent"
    fleet_user.save()
    rental = services.rental_create(
        by=fleet_user,
        pathway=open_pathway(adviser, prescriber_org),
        vehicle=VehicleFactory(platform=platform, label="Clio grise"),
        start_date=timezone.localdate() - timedelta(days=1),
        deposit=150,
        contract_signed=True,
    )
    journey = Journey(tablet, live_server, "flotte-contrat-signe-tablette")
    journey.sign_in(fleet_user.username, PASSWORD)
    journey.open(f"/flotte/locations/{rental.pk}/")
    assert "Pas encore signé" in journey.page

    pads = tablet.find_elements(By.CSS_SELECTOR, "#signature .signature-field canvas")
    assert len(pads) == 2
    tablet.execute_script("arguments[0].scrollIntoView({block: 'center'})", pads[0])
    draw_with_a_finger(tablet, pads[0])
    tablet.execute_script("arguments[0].scrollIntoView({block: 'center'})", pads[1])
    draw_with_the_mouse(tablet, pads[1])
    values = [
        field.get_attribute("value")
        for field in tablet.find_elements(By.CSS_SELECTOR, "#signature [data-signature-value]")
    ]
    assert all(value.startswith("data:image/png;base64,") for value in values), values
    # « Effacer » clears a pad; the person signs again.
    tablet.find_elements(By.CSS_SELECTOR, "#signature [data-signature-clear]")[0].click()
    assert (
        tablet.find_elements(By.CSS_SELECTOR, "#signature [data-signature-value]")[0].get_attribute(
            "value"
        )
        == ""
    )
    draw_with_a_finger(tablet, pads[0])
    tablet.save_screenshot(str(journey.folder / "50-signe.png"))
    journey.press_text("Enregistrer les signatures")

    assert "Signé sur tablette le" in journey.page
    document = SignedDocument.objects.get()
    with document.pdf.open("rb") as stored:
        content = stored.read()
    check_pdf(
        content,
        has=[
            rental.beneficiary.full_name,
            "Paul Agent",
            "Signé sur tablette le",
            document.content_hash,
        ],
    )
    # Both drawings are in the PDF, with ink on them.
    images = [image for page in PdfReader(io.BytesIO(content)).pages for image in page.images]
    drawings = [Image.open(io.BytesIO(image.data)) for image in images]
    inked = [ink_pixels(drawing) for drawing in drawings if drawing.mode in ("RGBA", "LA", "P")]
    assert len([count for count in inked if count > 200]) >= 2, inked
    # The page as a person reads it: an image for the reviewer (and pdftoppm must read it).
    pdf = tmp_path / "contrat.pdf"
    pdf.write_bytes(content)
    assert shutil.which("pdftoppm")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", str(pdf), str(journey.folder / "contrat-signe")],
        check=True,
    )
    assert list(journey.folder.glob("contrat-signe*.png"))
    journey.report()
