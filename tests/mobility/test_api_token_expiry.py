"""API tokens expire: one year by default (API_TOKEN_LIFETIME_DAYS), and a refused token
is told why in French."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mobility import tokens
from mobility.errors import InvalidInput
from mobility.models import ApiToken
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_a_new_token_lasts_one_year_by_default(adviser):
    before = timezone.now()

    token, _raw = tokens.api_token_create(user=adviser, by=adviser, label="Tablette")

    assert before + timedelta(days=365) <= token.expires_at <= timezone.now() + timedelta(days=365)


def test_the_lifetime_follows_the_setting(adviser, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 30

    token, _raw = tokens.api_token_create(user=adviser, by=adviser)

    assert token.expires_at - token.created_at == timedelta(days=30)


def test_an_expired_token_gets_a_401_that_says_it_expired(adviser):
    raw = tokens.issue_token(user=adviser)
    client = ApiClient(token=raw)
    assert client.get("/api/v1/referrals").status_code == 200

    now = timezone.now()
    ApiToken.objects.update(
        created_at=now - timedelta(days=366), expires_at=now - timedelta(minutes=1)
    )
    response = client.get("/api/v1/referrals")

    assert response.status_code == 401
    assert "a expiré le" in response.json()["detail"]
    assert "Jetons d'API" in response.json()["detail"]


def test_a_revoked_token_gets_a_401_that_says_it_was_revoked(adviser):
    raw = tokens.issue_token(user=adviser)
    tokens.api_token_revoke(token=ApiToken.objects.get(), by=adviser)

    response = ApiClient(token=raw).get("/api/v1/referrals")

    assert response.status_code == 401
    assert "a été révoqué le" in response.json()["detail"]


def test_an_unknown_token_is_told_nothing_more_than_to_authenticate(db):
    response = ApiClient(token="pas-un-jeton").get("/api/v1/referrals")

    assert response.status_code == 401
    assert response.json()["detail"].startswith("Authentification requise")


def test_a_person_cannot_choose_a_lifetime_longer_than_the_setting(adviser, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 90

    with pytest.raises(InvalidInput, match="au plus 90 jours"):
        tokens.api_token_create(user=adviser, by=adviser, days=91)
    assert not ApiToken.objects.exists()


def test_creation_and_revocation_are_in_the_tokens_history(adviser, admin_user):
    token, _raw = tokens.api_token_create(user=adviser, by=adviser, label="SI")
    tokens.api_token_revoke(token=token, by=admin_user)

    created, revoked = token.history.order_by("history_id")
    assert (created.history_type, created.history_user) == ("+", adviser)
    assert (revoked.history_type, revoked.history_user) == ("~", admin_user)
    assert revoked.revoked_by == admin_user


def test_using_a_token_adds_no_history_row(adviser):
    raw = tokens.issue_token(user=adviser)

    ApiClient(token=raw).get("/api/v1/referrals")

    assert ApiToken.objects.get().last_used_at is not None
    assert ApiToken.history.count() == 1


def test_the_last_use_is_written_at_most_once_a_minute(adviser):
    raw = tokens.issue_token(user=adviser)
    client = ApiClient(token=raw)
    client.get("/api/v1/referrals")
    first_use = ApiToken.objects.get().last_used_at

    # A second call within the minute: the token is read, not written.
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/v1/referrals")
    assert not [q for q in captured.captured_queries if "UPDATE" in q["sql"].upper()]
    assert ApiToken.objects.get().last_used_at == first_use

    # A minute later the call is recorded again.
    ApiToken.objects.update(last_used_at=first_use - timedelta(seconds=61))
    client.get("/api/v1/referrals")
    assert ApiToken.objects.get().last_used_at > first_use


def create_token(*args) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("create_api_token", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue().strip(), stderr.getvalue()


def test_the_command_takes_a_lifetime_in_days(adviser):
    raw, advice = create_token(adviser.username, "--days", "7")

    token = ApiToken.objects.get()
    assert token.expires_at - token.created_at == timedelta(days=7)
    assert tokens.user_for_token(raw) == adviser
    assert "Valable jusqu'au" in advice


def test_the_operators_command_may_exceed_the_setting_up_to_ten_years(adviser, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 30

    create_token(adviser.username, "--days", "730")

    token = ApiToken.objects.get()
    assert token.expires_at - token.created_at == timedelta(days=730)
    with pytest.raises(CommandError, match="au plus 3650 jours"):
        create_token(adviser.username, "--days", "3651")
    with pytest.raises(CommandError, match="au moins un jour"):
        create_token(adviser.username, "--days", "0")
