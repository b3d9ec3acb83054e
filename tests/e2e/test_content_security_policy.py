"""The strict Content-Security-Policy breaks nothing: the main pages, /api/docs (Swagger UI)
and /admin/ load in a real Chromium without a single violation, and their scripts run."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from accompaniment.models import WorkshopSession
from diagnostics.models import Diagnostic
from drivingschool.models import Lesson
from fleet.models import Rental
from mobility.demo_data import DEMO_PASSWORD
from mobility.models import User
from tests.drivingschool.conftest import enrol, lesson
from tests.e2e.conftest import headless_chromium
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Recorded before any script of the page runs (DevTools injects it, outside the policy).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched_browser():
    driver = headless_chromium(window_size="1280,900", log_console=True)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTEN})
    yield driver
    driver.quit()


def sign_in(browser, live_server, username, password=DEMO_PASSWORD):
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/connexion/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda driver: "/connexion/" not in driver.current_url)


def violations(browser, live_server, path) -> list[str]:
    browser.get(f"{live_server.url}{path}")
    WebDriverWait(browser, 10).until(
        lambda driver: driver.execute_script("return document.readyState") == "complete"
    )
    found = list(browser.execute_script("return window.__violations"))
    found += [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]
    return found


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=None)
    User.objects.create_superuser("exploitant", "exploitant@example.org", DEMO_PASSWORD)


def test_the_main_pages_load_without_any_policy_violation(watched_browser, live_server, demo):
    browser = watched_browser
    diagnostic = Diagnostic.objects.order_by("pk").first()
    person = diagnostic.pathway.beneficiary
    rental = Rental.objects.order_by("pk").first()
    held = Lesson.objects.filter(attendances__isnull=False).order_by("pk").first()
    enrolment = held.enrolments.order_by("pk").first()
    workshop = WorkshopSession.objects.filter(registrations__attendance="present").first()
    pages = {
        "conseiller": [
            reverse("referral_list"),
            reverse("beneficiary_detail", args=[person.pk]),
            reverse("diagnostic_detail", args=[diagnostic.pk]),
            reverse("fleet:board"),
            reverse("fleet:rental_detail", args=[rental.pk]),
            reverse("drivingschool:attendance_sheet", args=[held.pk]),
            reverse("drivingschool:enrolment_detail", args=[enrolment.pk]),
            reverse("accompaniment:calendar"),
            reverse("accompaniment:attendance_sheet", args=[workshop.pk]),
            reverse("accompaniment:catalogue"),
            reverse("reports:page"),
            reverse("api_tokens"),
            "/api/docs",
        ],
        "exploitant": ["/admin/", "/admin/mobility/apitoken/", "/admin/mobility/budget/add/"],
    }

    assert violations(browser, live_server, reverse("login")) == []
    for username, paths in pages.items():
        sign_in(browser, live_server, username)
        for path in paths:
            assert violations(browser, live_server, path) == [], path
            if path == "/api/docs":
                # Swagger UI really ran: it drew the API's operations.
                WebDriverWait(browser, 15).until(
                    lambda driver: driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
                )


def test_the_attendance_sheets_button_ticks_present_for_the_rows_left_blank(
    watched_browser, live_server, instructor, prescriber_org, adviser
):
    browser = watched_browser
    people = [enrol(prescriber_org, adviser) for _ in range(3)]
    held = lesson(instructor, people, days_ago=1)
    sign_in(browser, live_server, instructor.username, PASSWORD)

    url = reverse("drivingschool:attendance_sheet", args=[held.pk])
    assert violations(browser, live_server, url) == []
    browser.find_element(By.CSS_SELECTOR, f"input[name=status_{people[0].pk}][value=late]").click()
    browser.find_element(By.CSS_SELECTOR, "[data-all-present]").click()

    checked = browser.find_elements(By.CSS_SELECTOR, "input[type=radio]:checked")
    assert [radio.get_attribute("value") for radio in checked] == ["late", "present", "present"]
