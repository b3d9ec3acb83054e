"""Issue 11 (and 14, item 4): the adviser's extension and the microcredit record cost the
same queries whatever the person's earlier rentals and check-ins (months are counted per
person across the pathway's rentals: no query per rental)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accompaniment.demo import install_catalogue
from fleet import defaults, services
from mobility.enums import OrganisationKind
from tests.factories import OrganisationFactory
from tests.fleet.conftest import CONDITION_OK, VehicleFactory, days_ago, hand_over, open_pathway

BASE = "/api/v1/fleet"


@pytest.fixture
def amie(admin_user, platform):
    grid = services.shipped_grid(defaults.GRADUATED_GRID)
    services.grid_choose(by=admin_user, platform=platform, grid=grid)
    return grid


def person_with_history(fleet_user, adviser, prescriber_org, platform, *, earlier: int):
    """A person in month 5 of the AMIE grid after `earlier` short rentals, each with a
    check-in, then the current one with as many check-ins."""
    pathway = open_pathway(adviser, prescriber_org, opened_days_ago=200)
    for index in range(earlier):
        start = days_ago(190 - 8 * index)
        rental = hand_over(fleet_user, pathway, VehicleFactory(platform=platform), start=start)
        km = rental.start_odometer_km
        services.checkin_record(
            by=fleet_user,
            rental=rental,
            day=start + timedelta(days=2),
            odometer_km=km + 20,
            condition=CONDITION_OK,
        )
        services.rental_return(
            by=fleet_user,
            rental=rental,
            day=start + timedelta(days=4),
            odometer_km=km + 40,
            condition=CONDITION_OK,
        )
    rental = hand_over(fleet_user, pathway, VehicleFactory(platform=platform), start=days_ago(120))
    for week in range(1, earlier + 1):
        services.checkin_record(
            by=fleet_user,
            rental=rental,
            day=rental.start_date + timedelta(weeks=week),
            odometer_km=rental.start_odometer_km + 50 * week,
            condition=CONDITION_OK,
        )
    rental.refresh_from_db()
    return rental


def queries_of(client, path, body):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, body)
    assert response.status_code == 200, response.content
    return len(queries)


def test_an_extension_costs_the_same_after_1_or_4_earlier_rentals(
    api, amie, fleet_user, adviser, prescriber_org, platform
):
    client = api(adviser)
    client.get(f"{BASE}/rentals")  # the token's first use is written once
    counts = []
    for earlier in (1, 1, 4):  # the first fills the process's caches
        rental = person_with_history(fleet_user, adviser, prescriber_org, platform, earlier=earlier)
        until = rental.max_end_date + timedelta(days=30)
        counts.append(
            queries_of(
                client,
                f"{BASE}/rentals/{rental.pk}/extension",
                {"until": str(until), "reason": "Prêt du microcrédit attendu"},
            )
        )
    assert counts[1] == counts[2]


def test_a_microcredit_record_costs_the_same_after_1_or_4_earlier_rentals(
    api, amie, fleet_user, adviser, admin_user, prescriber_org, platform
):
    # With the catalogue's microcredit orientation: the orientation is recorded too.
    install_catalogue(platform=platform, by=admin_user)
    adie = OrganisationFactory(platform=platform, kind=OrganisationKind.PARTNER, name="ADIE")
    client = api(fleet_user)
    client.get(f"{BASE}/rentals")
    counts = []
    for earlier in (1, 1, 4):
        rental = person_with_history(fleet_user, adviser, prescriber_org, platform, earlier=earlier)
        counts.append(
            queries_of(
                client,
                f"{BASE}/rentals/{rental.pk}/microcredit",
                {"proposed_on": str(days_ago(1)), "outcome": "oriented", "partner_id": adie.pk},
            )
        )
    assert counts[1] == counts[2]
