"""Dump the database to one file and restore it into an empty database.

PostgreSQL through its own tools (pg_dump's custom format, pg_restore in one transaction);
SQLite through its online backup API. The file holds every person's data: keep it
encrypted and as long as the retention period allows (docs/deploiement.md).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """Something the operator must fix; the message says what, in French."""


def _postgres_environment(settings_dict: dict) -> dict[str, str]:
    environment = {**os.environ}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} est introuvable : installez le paquet postgresql-client."
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} a échoué : {result.stderr.strip()}")


def backup(path: Path, *, alias: str = "default") -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(path)],
            _postgres_environment(connection.settings_dict),
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
    else:
        raise BackupError(f"Sauvegarde impossible pour la base {connection.vendor}.")


def restore(path: Path, *, alias: str = "default") -> None:
    """Restore `path` into the database of `alias`, which must hold no table yet."""
    if not path.is_file():
        raise BackupError(f"Fichier de sauvegarde introuvable : {path}")
    connection = connections[alias]
    if connection.introspection.table_names():
        raise BackupError(
            "La base de destination contient déjà des tables : restaurez dans une base vide "
            "(rien n'a été modifié)."
        )
    if connection.vendor == "postgresql":
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                connection.settings_dict["NAME"],
                str(path),
            ],
            _postgres_environment(connection.settings_dict),
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
    else:
        raise BackupError(f"Restauration impossible pour la base {connection.vendor}.")
