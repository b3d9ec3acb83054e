from django.test import Client, override_settings

from tests.factories import PASSWORD


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_passwords_suspend_sign_in_with_a_french_page(adviser):
    client = Client()
    for _ in range(3):
        client.post("/connexion/", {"username": adviser.username, "password": "mauvais"})

    response = client.post("/connexion/", {"username": adviser.username, "password": PASSWORD})

    assert response.status_code == 429
    assert "Connexion suspendue" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a_success_before_the_limit_resets_the_count(adviser):
    client = Client()
    for _ in range(2):
        client.post("/connexion/", {"username": adviser.username, "password": "mauvais"})
    response = client.post("/connexion/", {"username": adviser.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(adviser.pk)
