"""A pytest plugin for scripts/mutation-services (`-p tests.mutation_database`): mutmut runs
the tests of a services or selectors module once per mutant, each time in a new pytest
session, and each session would migrate a new test database (a minute and more on a busy
machine). The first session keeps its freshly migrated database as a template file
($MUTATION_TEST_DATABASE); every session then works on its own copy of it (mutants may run
side by side) with `--reuse-db`, which skips the migrations. The copy is taken before any test
runs: a transactional test empties the tables it ends with, never the template."""

import os
import shutil
from pathlib import Path

import pytest


def _own_copy() -> Path:
    template = Path(os.environ["MUTATION_TEST_DATABASE"])
    return template.with_name(f"{template.name}.{os.getpid()}")


def pytest_sessionstart(session):
    # A hook, not an override of pytest-django's django_db_modify_db_settings fixture: a
    # plugin's fixture of the same name is not sure to win over pytest-django's.
    from django.db import connections

    template = Path(os.environ["MUTATION_TEST_DATABASE"])
    own = _own_copy()
    if template.exists():
        shutil.copyfile(template, own)
    else:
        own.unlink(missing_ok=True)
    connections["default"].settings_dict["TEST"]["NAME"] = str(own)


def pytest_sessionfinish(session):
    _own_copy().unlink(missing_ok=True)


@pytest.fixture(scope="session", autouse=True)
def _keep_the_migrated_database(django_db_setup, django_db_blocker):
    from django.db import connections

    template = Path(os.environ["MUTATION_TEST_DATABASE"])
    if template.exists():
        return
    own = Path(connections["default"].settings_dict["NAME"])
    with django_db_blocker.unblock():
        connections["default"].close()
    # Written aside, then renamed: a session starting meanwhile never reads half a file.
    partial = template.with_name(f"{template.name}.partial.{os.getpid()}")
    shutil.copyfile(own, partial)
    os.replace(partial, template)
