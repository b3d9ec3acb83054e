"""A form refused by the CSRF check says so in French, and nothing is written."""

from django.test import Client

from mobility.models import Referral


def test_a_form_without_its_csrf_token_gets_a_french_page_and_writes_nothing(adviser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(adviser)
    response = client.post("/fiches/nouvelle/", {"first_name": "Awa"})
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
    assert "rien n'a été enregistré" in response.content.decode()
    assert not Referral.objects.exists()
