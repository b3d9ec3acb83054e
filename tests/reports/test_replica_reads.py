"""Reports and exports read from the replica when one is configured (DATABASE_REPLICA_URL,
mobility/db_router.py); writes never go there. The replica alias of the test settings is
the test database itself (TEST MIRROR), so both sides see the same committed rows."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mobility.db_router import replica_reads
from mobility.models import Platform
from tests.conftest import logged_in
from tests.reports.test_report_queries import REPORT_QUERIES

# Committed rows (transaction=True): the replica is another connection.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])
URL = "/api/v1/reports/usage"
ACTIVITY_TABLES = ('"fleet_', '"drivingschool_', '"diagnostics_', '"mobility_pathway"')


def test_the_report_is_read_from_the_replica(world, no_secrecy, settings, api):
    expected = api(world.admin).get(URL, **world.query()).json()
    settings.REPLICA_READS = True

    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        answer = api(world.admin).get(URL, **world.query())

    assert answer.status_code == 200
    assert answer.json() == expected
    assert len(replica.captured_queries) == REPORT_QUERIES
    # The primary only checks who asks (session or token, roles): no activity row.
    on_primary = [query["sql"] for query in primary.captured_queries]
    assert not [sql for sql in on_primary if any(table in sql for table in ACTIVITY_TABLES)]


def test_the_downloads_are_read_from_the_replica_too(world, no_secrecy, settings):
    settings.REPLICA_READS = True
    url = reverse("reports:export", args=["csv"])
    with CaptureQueriesContext(connections["replica"]) as replica:
        response = logged_in(world.admin).get(url, world.query())
    assert response.status_code == 200, response.status_code
    assert len(replica.captured_queries) == REPORT_QUERIES


def test_writes_never_go_to_the_replica(db, settings):
    settings.REPLICA_READS = True
    with replica_reads(), CaptureQueriesContext(connections["replica"]) as replica:
        platform = Platform.objects.create(name="Écrite sur le primaire", department="08")
        platform.name = "Renommée sur le primaire"
        platform.save()
    assert not replica.captured_queries
    assert Platform.objects.using("default").get(pk=platform.pk).name == platform.name


def test_without_a_replica_everything_reads_the_primary(world, no_secrecy, api):
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert api(world.admin).get(URL, **world.query()).status_code == 200
    assert not replica.captured_queries
