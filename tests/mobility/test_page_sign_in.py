import pytest
from django.urls import reverse

from tests.conftest import logged_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_is_in_french(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Connexion" in page
    assert "Mot de passe" in page
    assert "Se connecter" in page


def test_a_wrong_password_gets_a_french_error(client, adviser):
    response = client.post(reverse("login"), {"username": adviser.username, "password": "faux"})

    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_in_leads_to_the_home_page(client, adviser):
    response = client.post(reverse("login"), {"username": adviser.username, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_signing_out_is_a_post_button_in_the_header(adviser):
    client = logged_in(adviser)
    page = client.get(reverse("referral_list")).content.decode()
    assert f'action="{reverse("logout")}"' in page

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
