"""The fleet API of docs/api.md: paths, fields, money as strings, errors, roles, tenancy."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fleet.models import CheckIn, LedgerEntry, Rental, Vehicle
from mobility.enums import Role
from mobility.weeks import iso_week
from tests.factories import member
from tests.fleet.conftest import CONDITION_OK, VehicleFactory, days_ago, open_pathway
from tests.nothing_written import nothing_written

BASE = "/api/v1/fleet"


def rental_body(pathway, vehicle, **overrides):
    body = {
        "pathway_id": pathway.pk,
        "vehicle_id": vehicle.pk,
        "start_date": str(days_ago(14)),
        "deposit": "150.00",
        "contract_signed": True,
    }
    body.update(overrides)
    return body


def next_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def checkin_body(day, odometer_km, **overrides):
    body = {"date": str(day), "odometer_km": odometer_km, "condition": CONDITION_OK, "notes": ""}
    body.update(overrides)
    return body


# ---- vehicles


def test_fleet_staff_add_and_list_vehicles(api, fleet_user, platform):
    client = api(fleet_user)
    response = client.post(
        f"{BASE}/vehicles",
        {
            "kind": "scooter",
            "label": "Peugeot Kisbee",
            "registration": "fg-123-hi",
            "odometer_km": 1200,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["registration"] == "FG-123-HI"
    assert body["status"] == "available"
    VehicleFactory(platform=platform, bike=True)
    listed = client.get(f"{BASE}/vehicles", kind="scooter").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert client.get(f"{BASE}/vehicles", status="rented").json()["count"] == 0


def test_a_vehicle_with_a_bad_kind_or_negative_odometer_is_422(api, fleet_user):
    response = api(fleet_user).post(
        f"{BASE}/vehicles", {"kind": "truck", "label": "X", "odometer_km": -3}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"kind", "odometer_km"}


def test_a_vehicle_goes_to_maintenance_and_back(api, fleet_user, vehicle):
    client = api(fleet_user)
    response = client.post(f"{BASE}/vehicles/{vehicle.pk}/status", {"status": "maintenance"})
    assert response.json()["status"] == "maintenance"
    assert (
        client.post(f"{BASE}/vehicles/{vehicle.pk}/status", {"status": "available"}).json()[
            "status"
        ]
        == "available"
    )


def test_a_rented_vehicle_cannot_be_sent_to_maintenance_by_hand(api, fleet_user, rental):
    response = api(fleet_user).post(
        f"{BASE}/vehicles/{rental.vehicle_id}/status", {"status": "maintenance"}
    )
    assert response.status_code == 409


# ---- quote


def test_a_quote_gives_a_line_per_step_and_reduction(api, fleet_user, pathway):
    # A quote looks at most five years around today: its week starts next Monday.
    start = next_monday()
    response = api(fleet_user).get(
        f"{BASE}/quote",
        beneficiary_id=pathway.beneficiary_id,
        kind="car",
        start=str(start),
        end=str(start + timedelta(days=7)),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == "17.50"
    assert body["days"] == 7
    assert [(line["kind"], line["amount"]) for line in body["lines"]] == [
        ("base", "35.00"),
        ("reduction", "-17.50"),
    ]
    assert body["lines"][0]["label"] == "Voiture : 7 jours × 5,00\u00a0€"


def test_a_quote_with_bad_input_is_422(api, fleet_user, pathway):
    client = api(fleet_user)
    start = next_monday()
    backwards = client.get(
        f"{BASE}/quote",
        beneficiary_id=pathway.beneficiary_id,
        kind="car",
        start=str(start + timedelta(days=7)),
        end=str(start),
    )
    assert backwards.status_code == 422
    assert "précéder" in backwards.json()["errors"]["end"]
    malformed = client.get(
        f"{BASE}/quote",
        beneficiary_id=pathway.beneficiary_id,
        kind="car",
        start=f"{start:%d/%m/%Y}",
        end=str(start + timedelta(days=7)),
    )
    assert malformed.status_code == 422
    assert "AAAA-MM-JJ" in malformed.json()["detail"]


def test_a_quote_for_another_platforms_person_is_refused(api, fleet_user, other_world):
    response = api(fleet_user).get(
        f"{BASE}/quote",
        beneficiary_id=other_world["pathway"].beneficiary_id,
        kind="car",
        start=str(next_monday()),
        end=str(next_monday() + timedelta(days=7)),
    )
    assert response.status_code == 422
    assert "beneficiary_id" in response.json()["errors"]


# ---- rentals


def test_a_hand_over_returns_the_rental_with_its_allowance(api, fleet_user, pathway, vehicle):
    response = api(fleet_user).post(f"{BASE}/rentals", rental_body(pathway, vehicle))
    assert response.status_code == 201
    body = response.json()
    assert body["daily_km_allowance"] == 43.2
    assert body["deposit"] == "150.00"
    assert body["deposit_held"] == "150.00"
    assert body["balance"] == "0.00"
    assert body["status"] == "open"
    assert body["tariff_grid"]["version"] == 1
    assert api(fleet_user).get(f"{BASE}/rentals/{body['id']}").json()["id"] == body["id"]


def test_a_rented_vehicle_is_409(api, fleet_user, adviser, prescriber_org, rental):
    other = open_pathway(adviser, prescriber_org)
    response = api(fleet_user).post(f"{BASE}/rentals", rental_body(other, rental.vehicle))
    assert response.status_code == 409
    assert "n'est pas disponible" in response.json()["detail"]


def test_missing_eligibility_and_contract_are_422_with_what_is_missing(
    api, fleet_user, adviser, prescriber_org, vehicle
):
    pathway = open_pathway(adviser, prescriber_org, licence_held=False, licence_since=None)
    response = api(fleet_user).post(
        f"{BASE}/rentals", rental_body(pathway, vehicle, contract_signed=False)
    )
    assert response.status_code == 422
    body = response.json()
    assert set(body["errors"]) == {"contract_signed", "licence_missing"}
    assert "permis" in body["detail"]
    assert not Rental.objects.exists()


def test_an_adviser_overrides_with_a_reason(api, adviser, prescriber_org, vehicle):
    pathway = open_pathway(adviser, prescriber_org, licence_held=False, licence_since=None)
    response = api(adviser).post(
        f"{BASE}/rentals",
        rental_body(
            pathway, vehicle, eligibility_override_reason="Permis obtenu hier, justificatif vu."
        ),
    )
    assert response.status_code == 201
    assert response.json()["eligibility_missing"] == ["licence_missing"]


def test_a_negative_deposit_is_422(api, fleet_user, pathway, vehicle):
    response = api(fleet_user).post(f"{BASE}/rentals", rental_body(pathway, vehicle, deposit="-1"))
    assert response.status_code == 422
    assert "deposit" in response.json()["errors"]


def test_another_platforms_pathway_or_vehicle_is_422(api, fleet_user, pathway, other_world):
    response = api(fleet_user).post(
        f"{BASE}/rentals", rental_body(other_world["pathway"], other_world["vehicle"])
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"pathway_id", "vehicle_id"}


# ---- check-ins, payments, return


def test_a_check_in_computes_due_paid_balance_and_km(api, fleet_user, rental):
    day = rental.start_date + timedelta(days=7)
    response = api(fleet_user).post(
        f"{BASE}/rentals/{rental.pk}/checkins",
        checkin_body(day, 42400, payment={"amount": "10.00", "method": "cash"}),
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["amount_due"], body["amount_paid"], body["balance"]) == ("17.50", "10.00", "7.50")
    assert (body["km_driven"], body["km_allowance"], body["km_over"]) == (400, 302.4, 97.6)
    assert body["km_exceeded"] is True


def test_a_retried_check_in_with_its_idempotency_key_writes_once(api, fleet_user, rental):
    client = api(fleet_user)
    body = checkin_body(
        rental.start_date + timedelta(days=7), 42100, payment={"amount": "17.50", "method": "card"}
    )
    headers = {"Idempotency-Key": "tablette-pe-0001"}
    first = client.post(f"{BASE}/rentals/{rental.pk}/checkins", body, headers=headers)
    again = client.post(f"{BASE}/rentals/{rental.pk}/checkins", body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert CheckIn.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="payment").count() == 1


def test_a_retried_payment_with_its_idempotency_key_writes_once(api, fleet_user, rental):
    client = api(fleet_user)
    body = {"date": str(days_ago(1)), "amount": "20.00", "method": "transfer"}
    headers = {"Idempotency-Key": "virement-42"}
    first = client.post(f"{BASE}/rentals/{rental.pk}/payments", body, headers=headers)
    client.post(f"{BASE}/rentals/{rental.pk}/payments", body, headers=headers)
    assert first.status_code == 201 and first.json()["amount"] == "20.00"
    assert LedgerEntry.objects.filter(kind="payment").count() == 1


def test_an_odometer_going_backwards_is_422(api, fleet_user, rental):
    response = api(fleet_user).post(
        f"{BASE}/rentals/{rental.pk}/checkins", checkin_body(days_ago(1), 41000)
    )
    assert response.status_code == 422
    assert "reculer" in response.json()["errors"]["odometer_km"]


@pytest.mark.parametrize("amount", ["-5.00", "0"])
def test_a_negative_or_zero_payment_is_422(api, fleet_user, rental, amount):
    response = api(fleet_user).post(
        f"{BASE}/rentals/{rental.pk}/checkins",
        checkin_body(days_ago(1), 42100, payment={"amount": amount, "method": "cash"}),
    )
    assert response.status_code == 422
    assert CheckIn.objects.count() == 0


def test_a_bad_condition_code_is_422(api, fleet_user, rental):
    response = api(fleet_user).post(
        f"{BASE}/rentals/{rental.pk}/checkins",
        checkin_body(days_ago(1), 42100, condition={**CONDITION_OK, "tyres": "flat"}),
    )
    assert response.status_code == 422
    assert "condition.tyres" in response.json()["errors"]


def test_a_check_in_for_another_platforms_rental_is_404(api, fleet_user, other_world):
    response = api(fleet_user).post(
        f"{BASE}/rentals/{other_world['rental'].pk}/checkins", checkin_body(days_ago(1), 42100)
    )
    assert response.status_code == 404
    assert CheckIn.objects.count() == 0


def test_the_return_and_then_no_more_payment_or_check_in(api, fleet_user, rental):
    client = api(fleet_user)
    response = client.post(
        f"{BASE}/rentals/{rental.pk}/return",
        {
            "date": str(days_ago(0)),
            "odometer_km": 42700,
            "condition": {**CONDITION_OK, "body": "damaged"},
            "damages": [{"description": "Rayure portière", "cost": "30.00"}],
            "deposit_retained": "30.00",
            "deposit_retained_reason": "Rayure portière.",
            "payment": {"amount": "70.00", "method": "cash"},
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "returned"
    assert body["balance"] == "0.00"
    assert body["deposit_held"] == "0.00"
    assert Vehicle.objects.get(pk=rental.vehicle_id).status == "maintenance"
    payment = client.post(
        f"{BASE}/rentals/{rental.pk}/payments",
        {"date": str(days_ago(0)), "amount": "5.00", "method": "cash"},
    )
    assert payment.status_code == 409
    checkin = client.post(f"{BASE}/rentals/{rental.pk}/checkins", checkin_body(days_ago(0), 42800))
    assert checkin.status_code == 409
    assert "rendue" in checkin.json()["detail"]
    ledger = client.get(f"{BASE}/rentals/{rental.pk}/ledger").json()
    assert ledger["count"] == 6
    assert [row["kind"] for row in ledger["items"]] == [
        "deposit_in",
        "charge",
        "damage",
        "payment",
        "deposit_retained",
        "deposit_refund",
    ]


def test_a_negative_damage_cost_is_422(api, fleet_user, rental):
    response = api(fleet_user).post(
        f"{BASE}/rentals/{rental.pk}/return",
        {
            "date": str(days_ago(0)),
            "odometer_km": 42700,
            "condition": CONDITION_OK,
            "damages": [{"description": "Rayure", "cost": "-30.00"}],
        },
    )
    assert response.status_code == 422


# ---- check-ins due


def test_the_due_list_shows_overdue_and_due_rentals_of_the_week(
    api, fleet_user, adviser, prescriber_org, platform, rental
):
    # `rental` started 28 days ago with no check-in: overdue. A rental started 7 days ago
    # today is due today; one started yesterday is not due this week... unless late in it.
    recent = open_pathway(adviser, prescriber_org)
    from tests.fleet.conftest import hand_over

    due_today = hand_over(fleet_user, recent, VehicleFactory(platform=platform), start=days_ago(7))
    response = api(fleet_user).get(f"{BASE}/checkins/due", week=iso_week(days_ago(0)))
    assert response.status_code == 200
    body = response.json()
    states = {item["rental_id"]: item["state"] for item in body["items"]}
    assert states[rental.pk] == "overdue"
    assert states[due_today.pk] == "due"
    assert body["count"] == len(body["items"])
    assert body["items"][0]["balance"] == "0.00"


@pytest.mark.parametrize("week", ["2026-13", "2025-W53", "semaine 2", "2026-W2"])
def test_a_malformed_week_is_422(api, fleet_user, week):
    response = api(fleet_user).get(f"{BASE}/checkins/due", week=week)
    assert response.status_code == 422
    assert "detail" in response.json()


# ---- roles and tenancy


@pytest.mark.parametrize("role", [Role.PRESCRIBER, Role.FUNDER, Role.INSTRUCTOR])
def test_other_roles_are_refused(api, platform, prescriber_org, role, rental):
    user = (
        member(role, platform)
        if role != Role.PRESCRIBER
        else member(role, organisation=prescriber_org)
    )
    client = api(user)
    with nothing_written():
        assert client.get(f"{BASE}/vehicles").status_code == 403
    with nothing_written():
        assert client.get(f"{BASE}/rentals/{rental.pk}").status_code == 403
    assert (
        client.post(
            f"{BASE}/rentals/{rental.pk}/checkins", checkin_body(days_ago(1), 42100)
        ).status_code
        == 403
    )
    with nothing_written():
        assert client.get(f"{BASE}/checkins/due").status_code == 403


@pytest.mark.parametrize("role", [Role.FLEET, Role.ADVISER, Role.ADMIN])
def test_fleet_advisers_and_admins_may_act(api, platform, role, rental):
    client = api(member(role, platform))
    response = client.post(
        f"{BASE}/rentals/{rental.pk}/checkins",
        checkin_body(rental.start_date + timedelta(days=7), 42100),
    )
    assert response.status_code == 201


def test_another_platforms_rental_and_vehicle_are_404(api, fleet_user, other_world):
    client = api(fleet_user)
    with nothing_written():
        assert client.get(f"{BASE}/rentals/{other_world['rental'].pk}").status_code == 404
    with nothing_written():
        assert client.get(f"{BASE}/vehicles/{other_world['vehicle'].pk}").status_code == 404
    assert (
        client.post(
            f"{BASE}/rentals/{other_world['rental'].pk}/return",
            {
                "date": str(days_ago(0)),
                "odometer_km": 50000,
                "condition": CONDITION_OK,
            },
        ).status_code
        == 404
    )
    assert client.get(f"{BASE}/vehicles").json()["count"] == 0


def test_without_a_token_it_is_401(api):
    assert api().get(f"{BASE}/vehicles").status_code == 401


def test_a_check_in_costs_the_same_queries_after_1_or_6_earlier_ones(
    api, fleet_user, adviser, prescriber_org, platform
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fleet import services
    from tests.fleet.conftest import hand_over

    client = api(fleet_user)
    client.get(f"{BASE}/rentals")  # the token's first use is written once
    counts = []
    # The first check-in of the process fills caches (tariff grids): measured twice after it.
    for earlier in (1, 1, 6):
        rental = hand_over(
            fleet_user,
            open_pathway(adviser, prescriber_org),
            VehicleFactory(platform=platform),
        )
        for day in range(1, earlier + 1):
            services.checkin_record(
                by=fleet_user,
                rental=rental,
                day=rental.start_date + timedelta(days=day),
                odometer_km=42000 + 10 * day,
                condition=CONDITION_OK,
                payment_amount=None,
            )
        body = checkin_body(
            rental.start_date + timedelta(days=20),
            43000,
            payment={"amount": "5.00", "method": "cash"},
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.post(f"{BASE}/rentals/{rental.pk}/checkins", body)
        assert response.status_code == 201, response.content
        counts.append(len(queries))
    assert counts[1] == counts[2]
