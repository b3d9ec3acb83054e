"""The « Jetons d'API » page: each person lists, creates and revokes their own tokens; a
platform administrator also those of the platform's members, and of no other platform."""

import re

import pytest
from django.urls import reverse

from mobility import tokens
from mobility.enums import Role
from mobility.models import ApiToken
from tests.api.conftest import ApiClient
from tests.conftest import logged_in
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

PAGE = reverse("api_tokens")


def token_of(user, label):
    return tokens.api_token_create(user=user, by=user, label=label)[0]


def revoke_url(token):
    return reverse("api_token_revoke", args=[token.pk])


def create(client, label="Logiciel de la Mission locale", days=30):
    form_token = re.search(r'name="form_token" value="([^"]+)"', client.get(PAGE).text)[1]
    return client.post(PAGE, {"label": label, "days": days, "form_token": form_token})


def test_a_prescriber_sees_only_their_own_tokens(prescriber, prescriber_org):
    colleague = member(Role.PRESCRIBER, organisation=prescriber_org)
    token_of(prescriber, "Mon SI")
    token_of(colleague, "SI du collègue")

    page = logged_in(prescriber).get(PAGE)

    assert page.status_code == 200
    assert "Mon SI" in page.text
    assert "SI du collègue" not in page.text


def test_a_prescriber_cannot_revoke_a_colleagues_token(prescriber, prescriber_org):
    colleague_token = token_of(member(Role.PRESCRIBER, organisation=prescriber_org), "SI")

    response = logged_in(prescriber).post(revoke_url(colleague_token))

    assert response.status_code == 404
    colleague_token.refresh_from_db()
    assert colleague_token.revoked_at is None


def test_an_admin_lists_and_revokes_the_tokens_of_the_platforms_members(
    admin_user, fleet_user, other_adviser
):
    tablet = token_of(fleet_user, "Tablette du parking")
    token_of(other_adviser, "Outil d'une autre plateforme")
    client = logged_in(admin_user)

    page = client.get(PAGE)
    assert "Tablette du parking" in page.text
    assert "Outil d'une autre plateforme" not in page.text

    response = client.post(revoke_url(tablet), follow=True)
    assert "révoqué" in response.text
    tablet.refresh_from_db()
    assert tablet.revoked_by == admin_user
    assert tablet.history.latest().history_user == admin_user


def test_another_platforms_admin_gets_a_404(fleet_user, other_platform):
    tablet = token_of(fleet_user, "Tablette du parking")
    other_admin = member(Role.ADMIN, other_platform)

    response = logged_in(other_admin).post(revoke_url(tablet))

    assert response.status_code == 404
    tablet.refresh_from_db()
    assert tablet.revoked_at is None


def test_the_owner_revokes_their_token_and_the_api_refuses_it(fleet_user):
    raw = tokens.issue_token(user=fleet_user, label="Tablette")
    token = ApiToken.objects.get()

    logged_in(fleet_user).post(revoke_url(token))

    response = ApiClient(token=raw).get("/api/v1/fleet/vehicles")
    assert response.status_code == 401
    assert "révoqué" in response.json()["detail"]


def test_revoking_twice_says_it_is_already_revoked(fleet_user):
    token = token_of(fleet_user, "Tablette")
    client = logged_in(fleet_user)
    client.post(revoke_url(token))

    response = client.post(revoke_url(token), follow=True)

    assert "déjà révoqué" in response.text


def test_a_created_token_is_shown_once_and_opens_the_api(prescriber):
    client = logged_in(prescriber)

    response = create(client, label="SI Mission locale", days=30)

    assert response.status_code == 200
    raw = re.search(r'<code class="token-value">([^<]+)</code>', response.text)[1]
    assert ApiClient(token=raw).get("/api/v1/referrals").status_code == 200
    token = ApiToken.objects.get()
    assert (token.user, token.label) == (prescriber, "SI Mission locale")
    assert (token.expires_at - token.created_at).days == 30
    assert raw not in client.get(PAGE).text


def test_sending_the_creation_form_twice_creates_one_token(prescriber):
    client = logged_in(prescriber)
    form_token = re.search(r'name="form_token" value="([^"]+)"', client.get(PAGE).text)[1]
    data = {"label": "SI", "days": 30, "form_token": form_token}

    client.post(PAGE, data)
    again = client.post(PAGE, data, follow=True)

    assert ApiToken.objects.count() == 1
    assert "Ce formulaire a déjà été envoyé" in again.text


def test_a_lifetime_beyond_the_setting_is_a_french_form_error(prescriber, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 90

    response = create(logged_in(prescriber), days=91)

    assert response.status_code == 422
    assert "au plus 90 jours" in response.text
    assert not ApiToken.objects.exists()


def test_the_list_shows_label_dates_and_state(fleet_user):
    token_of(fleet_user, "Tablette A")
    revoked = token_of(fleet_user, "Tablette B")
    tokens.api_token_revoke(token=revoked, by=fleet_user)

    page = logged_in(fleet_user).get(PAGE).text

    for text in ("Tablette A", "Tablette B", "Créé le", "Dernière utilisation", "Expire le"):
        assert text in page
    assert "actif" in page and "révoqué" in page
    assert page.count('action="/jetons-api/') == 1  # only the active one can be revoked


def test_the_user_menu_links_the_page_for_every_role(platform, prescriber, funder):
    for user in (member(Role.ADVISER, platform), member(Role.INSTRUCTOR, platform), funder):
        assert f'href="{PAGE}"' in logged_in(user).get(reverse("home"), follow=True).text


def test_an_account_without_role_gets_a_403(db):
    assert logged_in(UserFactory()).get(PAGE).status_code == 403


def test_the_list_costs_the_same_queries_for_many_tokens(
    admin_user, platform, django_assert_max_num_queries
):
    for index in range(12):
        token_of(member(Role.FLEET, platform), f"Tablette {index}")
    client = logged_in(admin_user)

    with django_assert_max_num_queries(5):
        client.get(PAGE)
