"""The first real journey, in a browser: a prescriber sends a fiche de liaison from a
phone, an adviser accepts it, and the beneficiary file shows the pathway and its history."""

import pytest
from django.core import mail
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from mobility.models import Referral
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, user):
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/connexion/")
    browser.find_element(By.NAME, "username").send_keys(user.username)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))


def click_and_wait(browser, element):
    """Click, then wait for the next page: a click returns before the navigation ends."""
    browser.execute_script("window.__previous_page = true")
    element.click()
    WebDriverWait(browser, 10).until(
        lambda driver: driver.execute_script(
            "return window.__previous_page === undefined && document.readyState === 'complete'"
        )
    )


def submit(browser):
    # The page's main form, not the sign-out button of the header.
    click_and_wait(
        browser, browser.find_element(By.CSS_SELECTOR, "main form.form button[type=submit]")
    )


def fill(browser, name, value):
    field = browser.find_element(By.NAME, name)
    if field.get_attribute("type") == "date":
        # A date input takes the browser's locale order; set it as the form posts it.
        browser.execute_script("arguments[0].value = arguments[1]", field, value)
    else:
        field.clear()
        field.send_keys(value)


def test_a_prescriber_sends_a_fiche_and_an_adviser_accepts_it(
    browser, live_server, prescriber, adviser
):
    sign_in(browser, live_server, prescriber)
    browser.find_element(By.LINK_TEXT, "Nouvelle fiche").click()

    # A first try without the required fields is refused in French, nothing is written.
    submit(browser)
    assert "Ce champ est obligatoire." in browser.page_source
    assert not Referral.objects.exists()

    fill(browser, "first_name", "Yasmina")
    fill(browser, "last_name", "Belkacem")
    fill(browser, "birth_date", "2099-02-14")
    browser.find_element(By.CSS_SELECTOR, "input[name=sex][value=f]").click()
    fill(browser, "commune", "Sedan")
    fill(browser, "postal_code", "08200")
    browser.find_element(By.CSS_SELECTOR, "input[name=qpv]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=job_kind][value=job]").click()
    # On a phone the contract and the trip are folded: a tap opens each.
    assert not browser.find_element(By.NAME, "contract").is_displayed()
    browser.find_element(By.XPATH, "//summary[contains(., 'Contrat et employeur')]").click()
    Select(browser.find_element(By.NAME, "contract")).select_by_value("cdd")
    fill(browser, "job_start_date", "2026-12-01")
    fill(browser, "job_end_date", "2027-05-31")
    fill(browser, "employer", "Ardennes Logistique")
    browser.find_element(By.XPATH, "//summary[contains(., 'Lieu, horaires et trajet')]").click()
    fill(browser, "home_work_km", "14,5")
    browser.find_element(By.CSS_SELECTOR, "input[name=needs][value=rental_scooter]").click()
    submit(browser)

    # The server's rules answer in French, on the field, and keep what was typed.
    assert "La date de naissance ne peut pas être dans le futur." in browser.page_source
    assert not Referral.objects.exists()
    fill(browser, "birth_date", "1997-02-14")
    submit(browser)

    assert "envoyée" in browser.page_source
    referral = Referral.objects.get()
    assert (referral.last_name, referral.qpv, referral.needs) == (
        "Belkacem",
        True,
        ["rental_scooter"],
    )
    assert str(referral.home_work_km) == "14.5"
    assert (str(referral.job_end_date), referral.employer) == ("2027-05-31", "Ardennes Logistique")

    sign_in(browser, live_server, adviser)
    browser.get(f"{live_server.url}/fiches/{referral.pk}/")
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[contains(., 'Accepter')]"))
    assert "Fiche acceptée" in browser.page_source

    referral.refresh_from_db()
    assert referral.status == "accepted"
    browser.get(f"{live_server.url}/beneficiaires/{referral.beneficiary_id}/")
    page = browser.page_source
    assert "Yasmina BELKACEM" in page
    assert "Parcours n°" in page
    assert "a ouvert le parcours" in page
    assert {message.subject for message in mail.outbox} >= {
        f"Fiche de liaison n° {referral.pk} bien reçue",
        f"Fiche de liaison n° {referral.pk} acceptée : le parcours mobilité commence",
    }
