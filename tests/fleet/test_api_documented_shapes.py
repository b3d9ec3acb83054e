"""The fleet API takes and gives what docs/api.md writes, verbatim: the return body without a
checklist, empty filters, paginated ledger."""

from fleet.enums import RentalStatus
from fleet.models import Rental
from tests.fleet.conftest import VehicleFactory, days_ago

BASE = "/api/v1/fleet"


def test_the_return_body_of_api_md_is_accepted_and_records_no_condition(api, fleet_user, rental):
    # docs/api.md: {date, odometer_km, damages, deposit_retained, deposit_retained_reason}
    response = api(fleet_user).post(
        f"{BASE}/rentals/{rental.pk}/return",
        {
            "date": str(days_ago(0)),
            "odometer_km": 42700,
            "damages": [],
            "deposit_retained": "0.00",
            "deposit_retained_reason": "",
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "returned"
    rental = Rental.objects.get(pk=rental.pk)
    assert rental.status == RentalStatus.RETURNED
    assert rental.return_condition == {}


def test_a_return_with_a_checklist_still_checks_it(api, fleet_user, rental):
    response = api(fleet_user).post(
        f"{BASE}/rentals/{rental.pk}/return",
        {"date": str(days_ago(0)), "odometer_km": 42700, "condition": {"tyres": "ok"}},
    )
    assert response.status_code == 422


def test_empty_filters_as_api_md_writes_them_mean_no_filter(api, fleet_user, platform, rental):
    VehicleFactory(platform=platform, bike=True)
    client = api(fleet_user)
    response = client.get(f"{BASE}/vehicles?kind=&status=")
    assert response.status_code == 200, response.json()
    assert response.json()["count"] == 2
    rentals = client.get(f"{BASE}/rentals?status=&pathway_id=&vehicle_id=")
    assert rentals.status_code == 200, rentals.json()
    assert rentals.json()["count"] == 1
    assert client.get(f"{BASE}/vehicles?kind=bike&status=").json()["count"] == 1
    assert client.get(f"{BASE}/vehicles?kind=truck").status_code == 422


def test_the_ledger_is_paginated(api, fleet_user, rental):
    client = api(fleet_user)
    for amount in ("5.00", "6.00"):
        client.post(
            f"{BASE}/rentals/{rental.pk}/payments",
            {"date": str(days_ago(0)), "amount": amount, "method": "cash"},
        )
    body = client.get(f"{BASE}/rentals/{rental.pk}/ledger").json()
    assert body["count"] == 3
    assert [row["kind"] for row in body["items"]] == ["deposit_in", "payment", "payment"]
    page = client.get(f"{BASE}/rentals/{rental.pk}/ledger", limit=1, offset=1).json()
    assert page["count"] == 3
    assert [row["amount"] for row in page["items"]] == ["5.00"]
