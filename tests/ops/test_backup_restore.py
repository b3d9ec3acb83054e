"""A backup restored into an empty database gives back the very same data."""

import os
import sqlite3
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from mobility.backup import BackupError, restore
from tests.ops.served import postgres_admin


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**environment, "DATABASE_URL": database_url, "SECRET_KEY": "backup-tests"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def postgres_tables(database: str) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of the ordered rows, per table."""
    parameters = connection.settings_dict
    with psycopg.connect(
        host=parameters["HOST"] or "127.0.0.1",
        port=parameters["PORT"] or 5432,
        user=parameters["USER"] or "postgres",
        dbname=database,
    ) as database_connection:
        names = [
            row[0]
            for row in database_connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            name: database_connection.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                    " FROM {} t"
                ).format(sql.Identifier(name))
            ).fetchone()
            for name in names
        }


def sqlite_tables(database_connection: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Every row of every table, in order, each value as its SQL literal (`quote()`), so
    that Django's type converters on the live connection do not change what is compared."""
    names = [
        row[0]
        for row in database_connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1"
        )
    ]
    tables = {}
    for name in names:
        columns = [row[1] for row in database_connection.execute(f'PRAGMA table_info("{name}")')]
        literals = ", ".join(f'quote("{column}")' for column in columns)
        tables[name] = sorted(database_connection.execute(f'SELECT {literals} FROM "{name}"'))
    return tables


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_an_empty_database_unchanged(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore: the PostgreSQL run of the suite proves them")
    call_command("seed_demo")
    dump = tmp_path / "mobility.dump"
    call_command("backup_database", str(dump))
    target = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:6]}"
    with postgres_admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
    try:
        parameters = connection.settings_dict
        url = (
            f"postgres://{parameters['USER'] or 'postgres'}@{parameters['HOST'] or '127.0.0.1'}"
            f":{parameters['PORT'] or 5432}/{target}"
        )
        result = manage("restore_database", str(dump), database_url=url)
        assert result.returncode == 0, result.stderr
        original = postgres_tables(parameters["NAME"])
        restored = postgres_tables(target)
        assert original["mobility_beneficiary"][0] > 0
        assert restored == original

        again = manage("restore_database", str(dump), database_url=url)
        assert again.returncode != 0
        assert "contient déjà des tables" in again.stderr
        assert postgres_tables(target) == original
    finally:
        with postgres_admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target))
            )


@pytest.mark.django_db(transaction=True)
def test_an_sqlite_backup_restores_into_an_empty_database_unchanged(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup API: the SQLite run of the suite proves it")
    call_command("seed_demo")
    backup_file = tmp_path / "mobility.sqlite3"
    call_command("backup_database", str(backup_file))
    target = tmp_path / "restored.sqlite3"
    result = manage("restore_database", str(backup_file), database_url=f"sqlite:///{target}")
    assert result.returncode == 0, result.stderr
    connection.ensure_connection()
    original = sqlite_tables(connection.connection)
    assert original["mobility_beneficiary"]
    with sqlite3.connect(target) as restored:
        assert sqlite_tables(restored) == original


def test_restoring_a_missing_file_says_so(tmp_path, db):
    with pytest.raises(BackupError, match="introuvable"):
        restore(tmp_path / "absent.dump")
