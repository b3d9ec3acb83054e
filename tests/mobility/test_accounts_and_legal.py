"""Signing out says so; a forgotten password is reset by e-mail without telling who has an
account; the footer's legal, accessibility and privacy pages name the platform to ask."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from mobility.enums import Role
from tests.conftest import logged_in
from tests.factories import PlatformFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_signing_out_says_so_on_the_sign_in_page(adviser):
    client = logged_in(adviser)

    response = client.post(reverse("logout"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Vous êtes déconnecté·e." in response.content.decode()


def test_the_sign_in_page_offers_a_new_password():
    page = Client().get(reverse("login")).content.decode()
    assert reverse("password_reset") in page


def test_a_forgotten_password_is_reset_through_a_one_time_link():
    user = UserFactory(email="lea.petit@example.org", first_name="Léa", last_name="Petit")
    client = Client()

    response = client.post(reverse("password_reset"), {"email": "lea.petit@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["lea.petit@example.org"]
    assert message.subject == "Votre nouveau mot de passe — plateforme mobilité"
    assert "Bonjour Léa Petit" in message.body
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choisir un nouveau mot de passe" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Vélo-Sedan-2027!", "new_password2": "Vélo-Sedan-2027!"}
    )
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Vélo-Sedan-2027!")
    # The link served once: used again, it says so and changes nothing.
    again = client.get(link, follow=True).content.decode()
    assert "Ce lien n'est plus valable" in again


def test_an_unknown_or_inactive_address_gets_the_same_answer_and_no_mail():
    UserFactory(email="parti@example.org", is_active=False)

    for address in ("personne@example.org", "parti@example.org"):
        response = Client().post(reverse("password_reset"), {"email": address})
        assert response.status_code == 302
        assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_legal_pages_name_the_platforms_to_ask():
    PlatformFactory(name="Mobilité Sedan", contact_email="contact@sedan.example.org")
    PlatformFactory(name="Mobilité Rethel", contact_phone="03 24 00 00 09")
    PlatformFactory(name="Ancienne plateforme", is_active=False, contact_email="x@example.org")

    for name in ("legal_notice", "accessibility", "privacy"):
        page = Client().get(reverse(name)).content.decode()
        assert "contact@sedan.example.org" in page
        assert "03 24 00 00 09" in page
        assert "Ancienne plateforme" not in page


def test_a_signed_in_person_sees_their_own_platforms_contact_only():
    mine = PlatformFactory(name="Mobilité Sedan", contact_email="contact@sedan.example.org")
    PlatformFactory(name="Mobilité Rethel", contact_email="contact@rethel.example.org")
    adviser = member(Role.ADVISER, mine)

    page = logged_in(adviser).get(reverse("privacy")).content.decode()

    assert "contact@sedan.example.org" in page
    assert "contact@rethel.example.org" not in page


@override_settings(PERSONAL_DATA_RETENTION_DAYS=730)
def test_the_privacy_page_states_the_retention_in_force():
    page = Client().get(reverse("privacy")).content.decode()
    assert "730 jours (environ 2 ans)" in page


def test_the_accessibility_statement_is_honest_about_its_level():
    page = Client().get(reverse("accessibility")).content.decode()
    assert "non conforme" in page and "RGAA 4.1" in page
    footer = Client().get(reverse("login")).content.decode()
    assert "Accessibilité : non conforme" in footer


def test_the_favicon_is_the_logo():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response.url.endswith(".svg")
