"""GET /api/v1/pathways/{id} lists the services started: rentals and the driving school."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from drivingschool import services as drivingschool_services
from tests.fleet.conftest import VehicleFactory, days_ago, hand_over, open_pathway


def test_the_pathway_lists_its_rentals_and_driving_school(api, adviser, fleet_user, prescriber_org):
    pathway = open_pathway(adviser, prescriber_org)
    vehicle = VehicleFactory(platform=pathway.platform, scooter=True)
    rental = hand_over(fleet_user, pathway, vehicle, start=days_ago(20))
    enrolment = drivingschool_services.enrolment_create(
        by=adviser,
        pathway=pathway,
        start_date=days_ago(10),
        theory_hours=20,
        driving_hours=30,
    )

    services = api(adviser).get(f"/api/v1/pathways/{pathway.pk}").json()["services"]

    assert [(s["kind"], s["id"], s["status"]) for s in services] == [
        ("rental_scooter", rental.pk, "open"),
        ("driving_school", enrolment.pk, enrolment.status),
    ]
    assert services[0]["started_on"] == days_ago(20).isoformat()


def test_the_pathway_costs_the_same_queries_whatever_its_number_of_services(
    api, adviser, fleet_user, prescriber_org
):
    pathway = open_pathway(adviser, prescriber_org)
    client = api(adviser)
    hand_over(fleet_user, pathway, VehicleFactory(platform=pathway.platform, bike=True))
    client.get(f"/api/v1/pathways/{pathway.pk}")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/api/v1/pathways/{pathway.pk}")
    for days in (40, 20):
        vehicle = VehicleFactory(platform=pathway.platform, bike=True)
        hand_over(fleet_user, pathway, vehicle, start=days_ago(days))
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(f"/api/v1/pathways/{pathway.pk}").json()["services"]) == 3
    assert len(three) == len(one)
