"""The migration that brings the expiry gives each existing token created + lifetime."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

NAME = "_api_token_expiry_and_history"


def migration_and_parents(loader):
    """The migration by its name (its number may change when branches merge), and the
    ones of the same app it depends on."""
    key = next(key for key in loader.graph.nodes if key[0] == "mobility" and NAME in key[1])
    parents = loader.graph.node_map[key].parents
    return [key], [parent.key for parent in parents if parent.key[0] == key[0]]


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_expire_one_lifetime_after_their_creation(settings):
    settings.API_TOKEN_LIFETIME_DAYS = 365
    executor = MigrationExecutor(connection)
    after, before = migration_and_parents(executor.loader)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    User = old_apps.get_model("mobility", "User")
    ApiToken = old_apps.get_model("mobility", "ApiToken")
    owner = User.objects.create(username="ancien")
    created = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    ApiToken.objects.create(user=owner, key_hash="a" * 64, created_at=created)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new_apps = executor.loader.project_state(after).apps
    token = new_apps.get_model("mobility", "ApiToken").objects.get()

    assert token.expires_at == created + timedelta(days=365)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
