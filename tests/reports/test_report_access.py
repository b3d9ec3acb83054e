"""Who reads which report, and the answers to bad requests (API and page)."""

import pytest
from django.test import Client

from mobility.enums import Role
from mobility.models import Membership
from tests.conftest import logged_in
from tests.factories import OrganisationFactory, PlatformFactory, member

URL = "/api/v1/reports/usage"
PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


@pytest.fixture
def funder_org(platform):
    return OrganisationFactory(platform=platform, funder=True, name="Région test")


@pytest.fixture
def funder_user(funder_org):
    return member(Role.FUNDER, organisation=funder_org)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ADVISER])
def test_the_platforms_admin_and_advisers_read_its_report(platform, api, role):
    user = member(role, platform)
    answer = api(user).get(URL, **PERIOD)
    assert answer.status_code == 200
    assert answer.json()["scope"]["platforms"] == [{"id": platform.pk, "name": platform.name}]
    assert logged_in(user).get("/rapports/").status_code == 200


def test_a_funder_reads_the_report_of_the_platform_it_funds_addressed_to_itself(
    platform, api, funder_user, funder_org
):
    answer = api(funder_user).get(URL, **PERIOD, platform=platform.pk)
    assert answer.status_code == 200
    assert answer.json()["scope"]["funder"] == {"id": funder_org.pk, "name": "Région test"}
    page = logged_in(funder_user).get("/rapports/")
    assert page.status_code == 200
    assert "Région test" in page.content.decode()


def test_a_funder_cannot_ask_for_the_report_addressed_to_another_funder(platform, api, funder_user):
    other_funder = OrganisationFactory(platform=platform, funder=True)
    answer = api(funder_user).get(URL, **PERIOD, funder=other_funder.pk)
    assert answer.status_code == 403
    assert "votre organisation" in answer.json()["detail"]
    page = logged_in(funder_user).get("/rapports/", {**PERIOD, "funder": other_funder.pk})
    assert page.status_code == 200  # not among the form's choices: a form error
    assert "Sélectionnez un choix valide" in page.content.decode()


def test_a_funder_sees_nothing_of_a_platform_it_does_not_fund(api, funder_user, other_platform):
    answer = api(funder_user).get(URL, **PERIOD, platform=other_platform.pk)
    assert answer.status_code == 404
    assert answer.json()["detail"].startswith("Plateforme introuvable")


def test_an_admin_sees_nothing_of_another_platform(api, admin_user, other_platform):
    assert api(admin_user).get(URL, **PERIOD, platform=other_platform.pk).status_code == 404
    page = logged_in(admin_user).get(
        "/rapports/telecharger.csv", {**PERIOD, "platform": other_platform.pk}
    )
    assert page.status_code in (302, 404)


def test_an_unknown_platform_is_a_404(api, admin_user):
    answer = api(admin_user).get(URL, **PERIOD, platform=999999)
    assert answer.status_code == 404
    assert "Plateforme introuvable" in answer.json()["detail"]


@pytest.mark.parametrize("role", [Role.PRESCRIBER, Role.FLEET, Role.INSTRUCTOR])
def test_prescribers_fleet_staff_and_instructors_are_refused(platform, api, role):
    user = member(role, platform)
    answer = api(user).get(URL, **PERIOD)
    assert answer.status_code == 403
    assert "réservés" in answer.json()["detail"]
    assert logged_in(user).get("/rapports/").status_code == 403
    assert logged_in(user).get("/rapports/telecharger.pdf").status_code == 403


def test_without_credentials_the_api_says_401_and_the_page_asks_to_sign_in(api, platform):
    assert api().get(URL, **PERIOD).status_code == 401
    assert Client().get("/rapports/").status_code == 302


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"start": "2026-13-01", "end": "2026-03-31"}, 422, "start : date invalide"),
        ({"start": "demain", "end": "2026-03-31"}, 422, "date invalide"),
        ({"end": "2026-03-31"}, 422, "start : champ obligatoire"),
        ({"start": "2026-03-31", "end": "2026-01-01"}, 422, "La demande de rapport"),
        ({**PERIOD, "format": "docx"}, 422, "format : valeur inattendue"),
        ({**PERIOD, "postal_code": "8A"}, 422, "La demande de rapport"),
        ({**PERIOD, "platform": "deux"}, 422, "platform : doit être un nombre entier"),
    ],
)
def test_bad_input_gets_a_clear_french_4xx(api, admin_user, params, status, words):
    answer = api(admin_user).get(URL, **params)
    assert answer.status_code == status
    assert words in answer.json()["detail"]


def test_end_before_start_says_which_field(api, admin_user):
    answer = api(admin_user).get(URL, start="2026-03-31", end="2026-01-01")
    assert answer.json()["errors"] == {"end": "La fin de la période précède son début."}


def test_an_organisation_of_the_wrong_kind_or_platform_is_refused(
    api, admin_user, prescriber_org, other_platform
):
    foreign_funder = OrganisationFactory(platform=other_platform, funder=True)
    answer = api(admin_user).get(URL, **PERIOD, funder=prescriber_org.pk)
    assert answer.status_code == 422
    assert "funder" in answer.json()["errors"]
    assert api(admin_user).get(URL, **PERIOD, funder=foreign_funder.pk).status_code == 422
    answer = api(admin_user).get(URL, **PERIOD, prescriber=foreign_funder.pk)
    assert answer.json()["errors"] == {
        "prescriber": "Cette structure n'est pas une structure prescriptrice de la plateforme."
    }


def test_someone_on_two_platforms_says_which(api, platform, other_platform):
    user = member(Role.ADMIN, platform)
    Membership.objects.create(user=user, platform=other_platform, role=Role.ADVISER)
    answer = api(user).get(URL, **PERIOD)
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"platform": "Précisez la plateforme."}
    assert api(user).get(URL, **PERIOD, platform=other_platform.pk).status_code == 200


def test_the_page_shows_errors_in_the_form(admin_user):
    page = logged_in(admin_user).get("/rapports/", {"start": "2026-03-31", "end": "2026-01-01"})
    assert page.status_code == 200
    assert "La fin de la période précède son début." in page.content.decode()


def test_an_inactive_platform_has_no_report(api, db):
    closed = PlatformFactory(is_active=False)
    user = member(Role.ADMIN, closed)
    assert api(user).get(URL, **PERIOD, platform=closed.pk).status_code in (403, 404)


def test_the_navigation_offers_the_reports_to_admins_advisers_and_funders(platform, funder_user):
    for user in (member(Role.ADMIN, platform), member(Role.ADVISER, platform), funder_user):
        assert 'href="/rapports/"' in logged_in(user).get("/rapports/").content.decode()
    fleet = member(Role.FLEET, platform)
    assert 'href="/rapports/"' not in logged_in(fleet).get("/flotte/").content.decode()


def test_the_funders_home_links_to_its_reports(funder_user):
    home = logged_in(funder_user).get("/")
    assert home.status_code == 200
    assert "Consulter le rapport d'activité" in home.content.decode()
