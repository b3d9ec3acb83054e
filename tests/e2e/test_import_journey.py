"""An administrator moves the platform's old files in (issue 13, item 5), and an invited
colleague arrives through the invitation link (item 4): each counted and photographed
(tests/e2e/journeys.py)."""

import csv
import re
from urllib.request import Request, urlopen

import pytest
from django.core import mail
from selenium.webdriver.common.by import By

from imports.columns import COLUMNS
from mobility.models import Beneficiary, Pathway
from tests.e2e.conftest import headless_chromium
from tests.e2e.journeys import Journey
from tests.factories import PASSWORD, OrganisationFactory
from tests.fleet.conftest import VehicleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desktop():
    driver = headless_chromium(window_size="1366,900")
    yield driver
    driver.quit()


def old_files(path):
    rows = [
        {"last_name": "Dupont", "first_name": "Léa", "birth_date": "14/03/1998", "sex": "F",
         "commune": "Sedan", "postal_code": "08200", "job_kind": "emploi",
         "received_on": "02/01/2024", "prescriber": "Mission locale de Sedan",
         "referent_name": "Paul Martin", "referent_email": "p.martin@example.org",
         "opened_on": "05/01/2024", "closed_on": "28/06/2024", "outcome": "CDI",
         "durable_solution": "oui", "vehicle": "AB-123-CD", "rental_start": "08/01/2024",
         "rental_end": "31/03/2024", "deposit": "150", "home_work_km": "18"},
        {"last_name": "Benali", "first_name": "Karim", "birth_date": "02/07/1985", "sex": "H",
         "commune": "Charleville-Mézières", "opened_on": "10/09/2025",
         "school_start": "01/10/2025", "theory_hours": "10", "driving_hours": "20"},
        {"last_name": "Roux", "first_name": "", "birth_date": "31/02/1990", "sex": "F",
         "commune": "Sedan", "opened_on": "01/02/2024"},
    ]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow([c.header for c in COLUMNS])
        for row in rows:
            writer.writerow([row.get(c.key, "") for c in COLUMNS])
    return path


def download(journey: Journey, link_text: str) -> bytes:
    link = journey.browser.find_element(By.PARTIAL_LINK_TEXT, link_text)
    journey.clicks += 1
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in journey.browser.get_cookies())
    request = Request(link.get_attribute("href"), headers={"Cookie": cookies})
    with urlopen(request, timeout=60) as answer:  # noqa: S310 (the live test server)
        assert answer.status == 200
        return answer.read()


def test_an_administrator_imports_the_platforms_old_files(
    desktop, live_server, admin_user, platform, tmp_path
):
    OrganisationFactory(platform=platform, name="Mission locale de Sedan")
    VehicleFactory(platform=platform, registration="AB-123-CD", label="Clio bleue")
    journey = Journey(desktop, live_server, "administration-import")

    journey.sign_in(admin_user.username, PASSWORD)
    journey.follow("Importer des dossiers")
    assert download(journey, "Modèle XLSX").startswith(b"PK")
    journey.clicks += 1  # choosing the file
    journey.browser.find_element(By.NAME, "file").send_keys(str(old_files(tmp_path / "a.csv")))
    journey.press_text("Simuler l'import")

    assert "3 lignes lues" in journey.page
    assert "1 ligne est refusée" in journey.page
    assert "« prénom » est obligatoire." in journey.page
    assert Beneficiary.objects.count() == 0
    journey.press_text("Confirmer l'import")

    assert "Import terminé" in journey.page
    assert Beneficiary.objects.count() == 2 and Pathway.objects.count() == 2
    line = journey.report()
    assert (journey.pages, journey.clicks, journey.typed) <= (5, 6, 2), line


def test_an_invited_colleague_chooses_a_password_and_lands_on_the_fleet_board(
    desktop, live_server, admin_user, platform, settings
):
    settings.SITE_URL = live_server.url
    journey = Journey(desktop, live_server, "administration-invitation")

    journey.sign_in(admin_user.username, PASSWORD)
    journey.follow("Administration")
    journey.follow("Utilisateur·rices")
    journey.press('a[href$="/inviter/"]')  # "Inviter une personne"
    journey.type("email", "lea.petit@example.org")
    journey.type("first_name", "Léa")
    journey.type("last_name", "Petit")
    journey.choose("role", "fleet")
    journey.press("input[type=submit]")
    assert "Invitation envoyée à lea.petit@example.org" in journey.page

    link = re.search(r"(/bienvenue/\S+/)", mail.outbox[0].body).group(1)
    journey.browser.delete_all_cookies()
    journey.open(link)
    assert "Bienvenue, Léa Petit" in journey.page
    journey.type("new_password1", "Vélo-Sedan-2027!")
    journey.type("new_password2", "Vélo-Sedan-2027!")
    journey.press_text("Enregistrer et entrer")

    assert "/flotte/" in journey.path
    line = journey.report()
    assert journey.pages <= 8, line
