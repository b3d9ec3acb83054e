"""A date or date-time outside the years 1900 to 2100 is a French 422, never a 500 from date
arithmetic (`9999-12-31` plus a day) nor a row no one meant to write."""

import pytest

from mobility.bounds import OUT_OF_RANGE_MESSAGE

MESSAGE = "date hors des limites (années 1900 à 2100)"


def test_the_message_names_the_years_allowed():
    assert OUT_OF_RANGE_MESSAGE == MESSAGE


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_a_closing_date_out_of_range_is_a_french_422(api, admin_user, day):
    response = api(admin_user).post(
        "/api/v1/pathways/1/close", {"date": day, "outcome": "cdi", "durable_solution": True}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"date": MESSAGE}
    assert response.json()["detail"] == f"Requête invalide : date : {MESSAGE}."


def test_a_lesson_list_from_year_one_is_a_french_422(api, admin_user):
    response = api(admin_user).get("/api/v1/drivingschool/lessons", start="0001-01-01T00:00:00")
    assert response.status_code == 422
    assert response.json()["errors"] == {"start": MESSAGE}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/fleet/rentals/1/checkins", {"date": "9999-12-31"}, "date"),
        (
            "/api/v1/drivingschool/enrolments/1/exams",
            {"kind": "theory", "date": "9999-12-31", "passed": True},
            "date",
        ),
        (
            "/api/v1/diagnostics",
            {"pathway_id": 1, "kind": "entry", "date": "9999-12-31", "answers": {}},
            "date",
        ),
    ],
)
def test_a_body_date_out_of_range_is_named_in_the_errors(api, admin_user, path, body, field):
    response = api(admin_user).post(path, body)
    assert response.status_code == 422
    assert response.json()["errors"][field] == MESSAGE


def test_a_date_within_the_years_is_not_refused_for_its_range(api, admin_user):
    response = api(admin_user).post(
        "/api/v1/pathways/1/close",
        {"date": "2100-12-31", "outcome": "cdi", "durable_solution": True},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("start", ["2026-12-14T03:00:52+19:19", "2026-12-14T09:00:00-12:30"])
def test_a_time_zone_offset_no_place_uses_is_a_french_422(api, admin_user, start):
    """PostgreSQL refuses an offset past ±15:59 with a database error (the fuzzer found
    +19:19 on a workshop session): the API stops it at the door."""
    for path, params in (
        ("/api/v1/actions/sessions", {"start": start}),
        ("/api/v1/drivingschool/lessons", {"start": start}),
    ):
        response = api(admin_user).get(path, **params)
        assert response.status_code == 422, path
        assert response.json()["errors"] == {
            "start": "décalage horaire impossible (de -12:00 à +14:00)"
        }
    created = api(admin_user).post(
        "/api/v1/actions/sessions",
        {"type_id": 1, "start": start, "duration_minutes": 120, "place": "Salle", "capacity": 8},
    )
    assert created.status_code == 422
    assert "start" in created.json()["errors"]
