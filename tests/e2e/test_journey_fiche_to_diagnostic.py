"""The pathway's first steps, counted in Chromium (tests/e2e/journeys.py): a prescriber sends
a fiche from a phone, then an adviser, at a desk, accepts it and runs the entry diagnostic
to its result."""

import pytest
from selenium.webdriver.common.by import By

from diagnostics.models import Diagnostic
from mobility.models import Referral
from tests.e2e.conftest import headless_chromium
from tests.e2e.journeys import Journey
from tests.factories import PASSWORD, ReferralFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone():
    driver = headless_chromium(window_size="390,844")
    yield driver
    driver.quit()


@pytest.fixture
def desk():
    driver = headless_chromium(window_size="1366,900")
    yield driver
    driver.quit()


@pytest.fixture
def referral_from_prescriber(prescriber_org):
    return ReferralFactory(prescriber=prescriber_org, first_name="Kevin", last_name="Morel")


def test_a_prescriber_sends_a_fiche_from_a_phone(phone, live_server, prescriber):
    journey = Journey(phone, live_server, "prescripteur-fiche-telephone")

    journey.sign_in(prescriber.username, PASSWORD)
    journey.follow("Nouvelle fiche")
    journey.type("first_name", "Yasmina")
    journey.type("last_name", "Belkacem")
    journey.type("birth_date", "1997-02-14")
    journey.tick("input[name=sex][value=f]")
    journey.type("commune", "Sedan")
    journey.type("postal_code", "08200")
    journey.tick("input[name=qpv]")
    journey.tick("input[name=job_kind][value=job]")
    journey.unfold("Contrat et employeur")  # folded on a phone: seldom all known at once
    journey.choose("contract", "cdi")
    journey.unfold("Lieu, horaires et trajet")
    journey.type("home_work_km", "14,5")
    journey.tick("input[name=needs][value=rental_scooter]")
    journey.press("main form.form button[type=submit]")

    assert "envoyée" in journey.page
    assert Referral.objects.get().last_name == "Belkacem"
    # No sideways panning on the phone, on the form nor on its confirmation.
    assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    line = journey.report()
    # Sign-in, landing, the form, its confirmation: sent at the first try.
    assert journey.pages <= 4, line


def test_an_adviser_accepts_a_fiche_and_runs_the_entry_diagnostic(
    desk, live_server, adviser, referral_from_prescriber
):
    journey = Journey(desk, live_server, "conseiller-accueil-diagnostic")

    journey.sign_in(adviser.username, PASSWORD)
    assert "À traiter" in journey.page  # the inbox opens on what waits for an answer
    journey.follow(referral_from_prescriber.last_name.upper())
    journey.press_text("Accepter la fiche")
    assert "Parcours" in journey.page  # straight to the person's file
    journey.follow("Faire le diagnostic d'entrée")
    journey.press_text("Commencer l'entretien")
    screens = 0
    while "diag-question" in journey.page:
        screens += 1
        for question in desk.find_elements(By.CSS_SELECTOR, "fieldset.diag-question"):
            journey.clicks += 1
            question.find_elements(By.CSS_SELECTOR, ".diag-option")[-1].click()
        journey.press("form.diag-screen .diag-actions button:last-child")
    journey.press_text("Terminer et calculer le résultat")

    diagnostic = Diagnostic.objects.get()
    assert diagnostic.completed_at is not None
    assert "Potentiel de mobilité" in journey.page
    line = journey.report()
    # Sign-in, inbox, fiche, file, start, one page per screen, check, result.
    assert journey.pages <= screens + 7, line
