import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from mobility.enums import Role
from tests.background import DATABASE_TASKS, HangingSmtpServer
from tests.factories import PASSWORD, OrganisationFactory, PlatformFactory, member

# A loaded CI machine (two test processes, PostgreSQL and Chromium on two cores) must not
# fail a property test for being slow: the "ci" profile drops the time limits, keeps the
# number of examples. `make test` selects it; HYPOTHESIS_PROFILE=default restores them.
hypothesis_settings.register_profile(
    "ci",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="module")
def demo_dataset(django_db_setup, django_db_blocker):
    """The demo dataset, loaded once for a whole test module (it takes seconds) inside a
    transaction rolled back when the module ends. Each test of the module still runs in its
    own savepoint (the `db` fixture nests inside), so what a test writes is undone before the
    next one. Not for live-server or transactional tests, which flush the database."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def platform(db):
    return PlatformFactory(name="Plateforme de test")


@pytest.fixture
def other_platform(db):
    return PlatformFactory(name="Autre plateforme")


@pytest.fixture
def prescriber_org(platform):
    return OrganisationFactory(platform=platform, name="Mission locale de Sedan")


@pytest.fixture
def admin_user(platform):
    return member(Role.ADMIN, platform)


@pytest.fixture
def adviser(platform):
    return member(Role.ADVISER, platform)


@pytest.fixture
def fleet_user(platform):
    return member(Role.FLEET, platform)


@pytest.fixture
def prescriber(prescriber_org):
    return member(Role.PRESCRIBER, organisation=prescriber_org)


@pytest.fixture
def funder(platform):
    return member(Role.FUNDER, platform)


@pytest.fixture
def other_adviser(other_platform):
    return member(Role.ADVISER, other_platform)


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# Fixtures of the HTML pages' tests (tests/mobility/test_page_*.py).


@pytest.fixture
def instructor(platform):
    return member(Role.INSTRUCTOR, platform)


# Fixtures of the background work's tests (tests/mobility/test_notification_delivery.py…).


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the database queue, as in production, for `run_worker()` to run."""
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def hanging_smtp(settings):
    """The configured mail server accepts connections and never answers."""
    server = HangingSmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 1
    yield server
    server.close()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded files go to a temporary folder, never the project's own media/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    return tmp_path / "media"
