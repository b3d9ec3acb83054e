"""A vehicle is never in two open rentals, even when hand-overs race (PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from fleet import services
from fleet.enums import RentalStatus
from fleet.models import Rental
from mobility.enums import Role
from mobility.errors import Conflict
from tests.factories import OrganisationFactory, PlatformFactory, member
from tests.fleet.conftest import VehicleFactory, days_ago, open_pathway

pytestmark = pytest.mark.django_db(transaction=True)
RACERS = 8


def require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race only exists on PostgreSQL")


def run_together(target, arguments):
    barrier = threading.Barrier(len(arguments))
    results = []

    def run(argument):
        try:
            barrier.wait()
            results.append(("ok", target(argument)))
        except Exception as error:  # noqa: BLE001 — the outcome is what the test checks
            results.append(("error", error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def people_and_car():
    platform = PlatformFactory()
    adviser = member(Role.ADVISER, platform)
    fleet_user = member(Role.FLEET, platform)
    organisation = OrganisationFactory(platform=platform)
    pathways = [open_pathway(adviser, organisation) for _ in range(RACERS)]
    return fleet_user, pathways, VehicleFactory(platform=platform)


def test_concurrent_hand_overs_of_one_vehicle_create_one_rental(people_and_car):
    require_postgresql()
    fleet_user, pathways, car = people_and_car

    def hand_over(pathway):
        return services.rental_create(
            by=fleet_user,
            pathway=pathway,
            vehicle=car,
            start_date=days_ago(1),
            deposit=Decimal("150"),
            contract_signed=True,
        )

    results = run_together(hand_over, pathways)

    assert Rental.objects.filter(vehicle=car, status=RentalStatus.OPEN).count() == 1
    assert [kind for kind, _ in results].count("ok") == 1
    errors = [value for kind, value in results if kind == "error"]
    assert len(errors) == RACERS - 1
    assert all(isinstance(error, Conflict) for error in errors), errors


def test_without_any_lock_the_partial_unique_index_alone_stops_the_race(people_and_car):
    """Insert directly, as a buggy 'check then insert' would: the index still refuses."""
    require_postgresql()
    fleet_user, pathways, car = people_and_car
    template = services.rental_create(
        by=fleet_user,
        pathway=pathways[0],
        vehicle=car,
        start_date=days_ago(1),
        deposit=Decimal("150"),
        contract_signed=True,
    )
    template.status = RentalStatus.RETURNED
    template.end_date = template.start_date
    template.end_odometer_km = template.start_odometer_km
    template.save()

    def insert(pathway):
        with transaction.atomic():
            if Rental.objects.filter(vehicle=car, status=RentalStatus.OPEN).exists():
                raise Conflict("déjà louée")
            copy = Rental.objects.get(pk=template.pk)
            copy.pk = None
            copy.status = RentalStatus.OPEN
            copy.end_date = copy.end_odometer_km = None
            copy.pathway = pathway
            copy.beneficiary_id = pathway.beneficiary_id
            copy.save()
            return copy

    results = run_together(insert, pathways[1:])

    assert Rental.objects.filter(vehicle=car, status=RentalStatus.OPEN).count() == 1
    outcomes = [type(value) for kind, value in results if kind == "error"]
    assert IntegrityError in outcomes or Conflict in outcomes
    assert [kind for kind, _ in results].count("ok") == 1


def test_concurrent_api_hand_overs_answer_one_201_and_clean_409s(people_and_car):
    require_postgresql()
    from tests.api.conftest import ApiClient

    fleet_user, pathways, car = people_and_car
    clients = [(ApiClient(fleet_user), pathway) for pathway in pathways]

    def post(args):
        client, pathway = args
        response = client.post(
            "/api/v1/fleet/rentals",
            {
                "pathway_id": pathway.pk,
                "vehicle_id": car.pk,
                "start_date": str(days_ago(1)),
                "deposit": "150.00",
                "contract_signed": True,
            },
        )
        return response.status_code, response.json()

    results = run_together(post, clients)

    statuses = sorted(value[0] for kind, value in results if kind == "ok")
    assert statuses == [201] + [409] * (RACERS - 1)
    conflicts = [body for kind, (status, body) in results if status == 409]
    assert all(
        "n'est pas disponible" in body["detail"] or "déjà en location" in body["detail"]
        for body in conflicts
    )
    assert Rental.objects.filter(vehicle=car).count() == 1
