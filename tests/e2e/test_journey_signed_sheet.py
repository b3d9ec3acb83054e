"""A signed attendance sheet on a tablet (Chromium): the instructor ticks everyone
present, each person draws their signature on their line, the instructor draws theirs to
close the sheet, one submit; the page then says "Signé sur tablette" and the frozen PDF
holds each line's drawing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from drivingschool import services
from mobility.signing import current_document
from tests.drivingschool.conftest import enrol
from tests.e2e.conftest import headless_chromium
from tests.factories import PASSWORD
from tests.pdf_text import check_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STROKE = [(-120, 10), (-80, -25), (-40, 20), (0, -20), (40, 25), (80, -15), (120, 10)]


@pytest.fixture
def tablet():
    driver = headless_chromium(window_size="820,1180")
    yield driver
    driver.quit()


def sign(driver, canvas) -> None:
    """A scribble with the mouse (a stylus is a pointer too), after scrolling the pad in."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    chain = ActionChains(driver)
    x, y = STROKE[0]
    chain.move_to_element_with_offset(canvas, x, y).click_and_hold()
    previous = (x, y)
    for x, y in STROKE[1:]:
        chain.move_by_offset(x - previous[0], y - previous[1])
        previous = (x, y)
    chain.release().perform()


def test_each_person_signs_their_line_and_the_instructor_closes_the_sheet(
    tablet, live_server, instructor, adviser, prescriber_org, tmp_path
):
    people = [enrol(prescriber_org, adviser, signed=True) for _ in range(2)]
    held = services.lesson_schedule(
        by=instructor,
        platform=people[0].platform,
        kind="theory",
        start=timezone.now().replace(microsecond=0) - timedelta(hours=2),
        duration_minutes=120,
        enrolments=people,
        instructor=instructor,
    )
    tablet.get(live_server.url + reverse("login"))
    tablet.find_element(By.NAME, "username").send_keys(instructor.username)
    tablet.find_element(By.NAME, "password").send_keys(PASSWORD)
    tablet.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    tablet.get(live_server.url + reverse("drivingschool:attendance_sheet", args=[held.pk]))
    assert "Pas encore signé" in tablet.page_source
    tablet.find_element(By.CSS_SELECTOR, "button[data-all-present]").click()
    for person in people:
        pad = tablet.find_element(
            By.CSS_SELECTOR,
            f"[name='signature_{person.pk}'] ~ canvas, "
            f".signature-field:has([name='signature_{person.pk}']) canvas",
        )
        sign(tablet, pad)
        value = tablet.find_element(By.NAME, f"signature_{person.pk}").get_attribute("value")
        assert value.startswith("data:image/png;base64,")
    closing = tablet.find_element(
        By.CSS_SELECTOR, ".signature-field:has([name='closing_signature']) canvas"
    )
    sign(tablet, closing)
    tablet.save_screenshot(str(tmp_path / "feuille-signee.png"))
    tablet.find_element(By.XPATH, '//button[contains(., "Enregistrer l\'émargement")]').click()
    assert "La feuille est signée et close." in tablet.page_source

    document = current_document(held, "lesson_sheet")
    assert document.closed and document.proof == "tablet"
    assert document.signatures.count() == 3
    with document.pdf.open("rb") as stored:
        check_pdf(stored.read(), has=[p.beneficiary.full_name for p in people])
    tablet.get(live_server.url + reverse("drivingschool:attendance_sheet", args=[held.pk]))
    assert "Signé sur tablette le" in tablet.page_source
