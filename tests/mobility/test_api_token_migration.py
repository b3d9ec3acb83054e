"""The migration that brings the expiry gives each existing token created + lifetime."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("mobility", "0004_beneficiary_anonymised_at")]
AFTER = [("mobility", "0005_api_token_expiry_and_history")]


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_expire_one_lifetime_after_their_creation(settings):
    settings.API_TOKEN_LIFETIME_DAYS = 365
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    User = old_apps.get_model("mobility", "User")
    ApiToken = old_apps.get_model("mobility", "ApiToken")
    owner = User.objects.create(username="ancien")
    created = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    ApiToken.objects.create(user=owner, key_hash="a" * 64, created_at=created)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    token = new_apps.get_model("mobility", "ApiToken").objects.get()

    assert token.expires_at == created + timedelta(days=365)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
