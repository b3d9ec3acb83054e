"""The API of docs/api.md "Accompaniment actions": paths, fields and codes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accompaniment import services
from accompaniment.models import Action, WorkshopRegistration
from mobility.models import Notification
from tests.accompaniment.conftest import open_pathway, schedule

pytestmark = pytest.mark.django_db


def test_the_catalogue_lists_each_type_with_its_kind_and_answers(api, adviser, catalogue):
    response = api(adviser).get("/api/v1/actions/types", limit=100)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(catalogue)
    bike = next(item for item in body["items"] if item["code"] == "bike_school")
    assert bike == {
        "id": catalogue["bike_school"].pk,
        "code": "bike_school",
        "kind": "workshop",
        "label": "Vélo-école",
        "answers": ["bike_school", "rental_bike"],
    }


def test_a_platform_admin_adds_a_type_and_an_adviser_may_not(api, admin_user, adviser):
    body = {"code": "insurance_aid", "kind": "financial_aid", "label": "Aide à l'assurance"}
    assert api(adviser).post("/api/v1/actions/types", body).status_code == 403
    response = api(admin_user).post("/api/v1/actions/types", {**body, "answers": ["rental_car"]})
    assert response.status_code == 201, response.json()
    assert response.json()["answers"] == ["rental_car"]
    again = api(admin_user).post("/api/v1/actions/types", body)
    assert again.status_code == 409
    assert "insurance_aid" in again.json()["detail"]


def test_a_session_is_scheduled_then_a_person_registered(api, adviser, catalogue, pathway):
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    response = api(adviser).post(
        "/api/v1/actions/sessions",
        {
            "type_id": catalogue["bike_school"].pk,
            "start": start.isoformat(),
            "duration_minutes": 120,
            "place": "Parking du gymnase",
            "capacity": 1,
        },
    )
    assert response.status_code == 201, response.json()
    session = response.json()
    assert (session["capacity"], session["places_left"], session["label"]) == (1, 1, "Vélo-école")
    path = f"/api/v1/actions/sessions/{session['id']}/registrations"
    registered = api(adviser).post(path, {"pathway_id": pathway.pk})
    assert registered.status_code == 201
    assert registered.json()["pathway_id"] == pathway.pk
    assert api(adviser).post(path, {"pathway_id": pathway.pk}).status_code == 409
    full = api(adviser).post(
        path, {"pathway_id": open_pathway(pathway.referrals.first().prescriber, adviser).pk}
    )
    assert full.status_code == 409
    assert "complète" in full.json()["detail"]


def test_the_attendance_sheet_takes_one_row_per_person(api, adviser, catalogue, pathway):
    session = schedule(adviser, catalogue["mobility_workshop"], days=-1)
    services.registration_create(by=adviser, session=session, pathway=pathway)
    path = f"/api/v1/actions/sessions/{session.pk}/attendance"
    response = api(adviser).post(path, [{"pathway_id": pathway.pk, "status": "unexcused"}])
    assert response.status_code == 200, response.json()
    assert response.json()[0]["attendance"] == "unexcused"
    assert Notification.objects.filter(event="workshop_absence").count() == 1
    bad = api(adviser).post(path, [{"pathway_id": pathway.pk, "status": "excused"}])
    assert bad.status_code == 422
    assert "motif" in bad.json()["detail"]


def test_an_individual_action_requires_what_its_kind_needs(
    api, adviser, catalogue, pathway, funder_org, partner
):
    path = f"/api/v1/pathways/{pathway.pk}/actions"
    today = timezone.localdate().isoformat()
    missing = api(adviser).post(path, {"type_id": catalogue["licence_aid"].pk, "date": today})
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"amount", "decision"}
    aid = api(adviser).post(
        path,
        {
            "type_id": catalogue["licence_aid"].pk,
            "date": today,
            "amount": "400.00",
            "funder_id": funder_org.pk,
            "decision": "granted",
        },
    )
    assert aid.status_code == 201, aid.json()
    assert (aid.json()["amount"], aid.json()["decision"]) == ("400.00", "granted")
    orientation = api(adviser).post(
        path,
        {"type_id": catalogue["orientation_garage"].pk, "date": today, "partner_id": partner.pk},
    )
    assert orientation.status_code == 201
    assert orientation.json()["outcome"] == "pending"


def test_patch_records_what_happened_next(api, adviser, catalogue, pathway, partner):
    action = services.action_record(
        by=adviser,
        pathway=pathway,
        action_type=catalogue["orientation_microcredit"],
        data=services.ActionData(date=timezone.localdate(), partner=partner),
    )
    client = api(adviser)
    response = client.client.patch(
        f"/api/v1/actions/{action.pk}",
        '{"outcome": "refused"}',
        content_type="application/json",
        headers=client.headers,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["outcome"] == "refused"
    again = client.client.patch(
        f"/api/v1/actions/{action.pk}",
        '{"outcome": "done"}',
        content_type="application/json",
        headers=client.headers,
    )
    assert again.status_code == 409


def test_a_repeated_post_with_the_same_idempotency_key_writes_once(
    api, adviser, catalogue, pathway
):
    client = api(adviser)
    body = {
        "type_id": catalogue["coaching"].pk,
        "date": timezone.localdate().isoformat(),
        "duration_minutes": 60,
    }
    headers = {"Idempotency-Key": "coaching-1"}
    first = client.post(f"/api/v1/pathways/{pathway.pk}/actions", body, headers=headers)
    second = client.post(f"/api/v1/pathways/{pathway.pk}/actions", body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Action.objects.count() == 1


def test_the_pathway_lists_its_actions_among_its_services(
    api, adviser, fleet_user, catalogue, pathway, session
):
    services.registration_create(by=adviser, session=session, pathway=pathway)
    services.action_record(
        by=adviser,
        pathway=pathway,
        action_type=catalogue["coaching"],
        data=services.ActionData(date=timezone.localdate(), duration_minutes=30),
    )
    services_ = api(adviser).get(f"/api/v1/pathways/{pathway.pk}").json()["services"]
    kinds = {(s["kind"], s["status"]) for s in services_}
    assert ("coaching", "done") in kinds and ("workshop", "registered") in kinds
    # Fleet staff read the services a rental needs, never the accompaniment (aids...).
    limited = api(fleet_user).get(f"/api/v1/pathways/{pathway.pk}").json()["services"]
    assert not [s for s in limited if s["kind"] in ("coaching", "workshop")]


def test_another_platform_sees_nothing_and_fleet_staff_are_refused(
    api, adviser, other_adviser, fleet_user, catalogue, pathway, session
):
    assert api(other_adviser).get(f"/api/v1/actions/sessions/{session.pk}").status_code == 404
    assert api(other_adviser).get("/api/v1/actions/types").json()["count"] == 0
    assert api(fleet_user).get("/api/v1/actions/types").status_code == 403
    response = api(other_adviser).post(
        f"/api/v1/actions/sessions/{session.pk}/registrations", {"pathway_id": pathway.pk}
    )
    assert response.status_code == 404
    assert not WorkshopRegistration.objects.exists()


def test_sessions_are_listed_by_period_and_paginated(api, adviser, catalogue):
    for days in (1, 2, 30):
        schedule(adviser, catalogue["road_safety"], days=days)
    end = (timezone.now() + timedelta(days=10)).isoformat()
    response = api(adviser).get("/api/v1/actions/sessions", end=end, limit=1)
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert len(response.json()["items"]) == 1


def test_a_session_and_an_action_carry_their_type_id(api, adviser, catalogue, session, pathway):
    body = api(adviser).get(f"/api/v1/actions/sessions/{session.pk}").json()
    assert body["type_id"] == catalogue["mobility_workshop"].pk
    action = services.action_record(
        by=adviser,
        pathway=pathway,
        action_type=catalogue["carpool"],
        data=services.ActionData(date=timezone.localdate()),
    )
    body = api(adviser).get(f"/api/v1/actions/{action.pk}").json()
    assert (body["type_id"], body["kind"], body["code"]) == (
        catalogue["carpool"].pk,
        "carpool",
        "carpool",
    )
    listed = api(adviser).get(f"/api/v1/pathways/{pathway.pk}/actions").json()
    assert [item["id"] for item in listed["items"]] == [action.pk]


def test_a_session_is_cancelled_once_and_then_refuses_registrations(api, adviser, session, pathway):
    path = f"/api/v1/actions/sessions/{session.pk}/cancel"
    assert api(adviser).post(path, {"reason": ""}).status_code == 422
    response = api(adviser).post(path, {"reason": "Salle indisponible"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["cancelled"], body["cancel_reason"]) == (True, "Salle indisponible")
    assert body["cancelled_at"] is not None
    again = api(adviser).post(path, {"reason": "Encore"})
    assert again.status_code == 409 and "déjà annulée" in again.json()["detail"]
    refused = api(adviser).post(
        f"/api/v1/actions/sessions/{session.pk}/registrations", {"pathway_id": pathway.pk}
    )
    assert refused.status_code == 409
    assert "annulée" in refused.json()["detail"]


def test_a_registration_to_a_cancelled_session_reads_cancelled_among_the_services(
    api, adviser, session, pathway
):
    services.registration_create(by=adviser, session=session, pathway=pathway)
    services.session_cancel(by=adviser, session=session, reason="Salle indisponible")
    body = api(adviser).get(f"/api/v1/pathways/{pathway.pk}").json()
    workshop = next(s for s in body["services"] if s["kind"] == "workshop")
    assert workshop["status"] == "cancelled"
