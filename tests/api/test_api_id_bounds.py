"""An id the database cannot hold, in a path, a body or a filter, is a French 422, not a 500.

The fuzz test (test_api_fuzz.py) found `POST /api/v1/drivingschool/lessons` with a huge
enrolment id crashing (OverflowError on SQLite, DataError on PostgreSQL): every id now
goes through mobility.bounds.Id, 1 to 2**63 - 1.
"""

import pytest

from mobility.bounds import MAX_ID
from mobility.models import Referral
from tests.api.conftest import referral_body

TOO_BIG = MAX_ID + 1
TOO_BIG_MESSAGE = "valeur trop grande"


def test_a_lesson_for_a_huge_enrolment_id_is_a_french_422(api, admin_user):
    response = api(admin_user).post(
        "/api/v1/drivingschool/lessons",
        {
            "kind": "theory",
            "start": "2026-03-02T09:00:00+01:00",
            "duration_minutes": 60,
            "enrolment_ids": [TOO_BIG],
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"enrolment_ids.0": TOO_BIG_MESSAGE}
    assert response.json()["detail"] == "Requête invalide : enrolment_ids.0 : valeur trop grande."


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/referrals/{id}",
        "/api/v1/beneficiaries/{id}",
        "/api/v1/pathways/{id}",
        "/api/v1/fleet/rentals/{id}",
        "/api/v1/fleet/vehicles/{id}",
        "/api/v1/drivingschool/enrolments/{id}",
        "/api/v1/drivingschool/lessons/{id}",
        "/api/v1/diagnostics/{id}",
    ],
)
def test_a_huge_id_in_a_path_is_a_french_422(api, admin_user, path):
    response = api(admin_user).get(path.format(id=TOO_BIG))
    assert response.status_code == 422
    assert list(response.json()["errors"].values()) == [TOO_BIG_MESSAGE]


def test_an_id_of_zero_says_ids_start_at_one(api, admin_user):
    response = api(admin_user).get("/api/v1/fleet/rentals/0")
    assert response.status_code == 422
    assert response.json()["errors"] == {"rental_id": "doit valoir au moins 1"}


def test_a_huge_prescriber_in_a_referral_is_refused_and_nothing_is_written(
    api, admin_user, prescriber_org
):
    response = api(admin_user).post("/api/v1/referrals", referral_body(TOO_BIG))
    assert response.status_code == 422
    assert response.json()["errors"] == {"prescriber": TOO_BIG_MESSAGE}
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/referrals", "prescriber"),
        ("/api/v1/fleet/rentals", "vehicle_id"),
        ("/api/v1/drivingschool/lessons", "instructor_id"),
    ],
)
def test_a_huge_id_in_a_list_filter_is_a_french_422(api, admin_user, path, field):
    response = api(admin_user).get(path, **{field: str(TOO_BIG)})
    assert response.status_code == 422
    assert response.json()["errors"] == {field: TOO_BIG_MESSAGE}


def test_the_largest_id_is_simply_not_found(api, admin_user):
    response = api(admin_user).get(f"/api/v1/fleet/rentals/{MAX_ID}")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Introuvable")
