from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mobility.models import ApiToken
from mobility.tokens import user_for_token
from tests.factories import UserFactory


def create_token(*args) -> str:
    stdout = StringIO()
    call_command("create_api_token", *args, stdout=stdout, stderr=StringIO())
    return stdout.getvalue().strip()


def test_the_printed_token_authenticates_the_user(db):
    user = UserFactory(username="tablette")

    token = create_token("tablette", "--label", "Tablette du parking")

    assert user_for_token(token) == user
    stored = ApiToken.objects.get(user=user)
    assert stored.label == "Tablette du parking"
    assert token not in stored.key_hash  # only the digest is kept


def test_each_call_issues_a_new_token(db):
    UserFactory(username="tablette")

    assert create_token("tablette") != create_token("tablette")
    assert ApiToken.objects.count() == 2


def test_an_unknown_user_gets_a_clear_french_error(db):
    with pytest.raises(CommandError, match="Aucun compte n'a l'identifiant « personne »"):
        create_token("personne")
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token(db):
    UserFactory(username="parti", is_active=False)

    with pytest.raises(CommandError, match="désactivé"):
        create_token("parti")
    assert not ApiToken.objects.exists()
