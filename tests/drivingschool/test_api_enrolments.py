"""API: enrolments, their state, exclusion and funding (docs/api.md, "Driving school")."""

from decimal import Decimal

import pytest
from django.utils import timezone

from drivingschool import services
from drivingschool.models import Enrolment, FundingTranche
from mobility.models import Notification
from tests.drivingschool.conftest import enrol, lesson, mark, open_pathway
from tests.factories import OrganisationFactory, member
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db
BASE = "/api/v1/drivingschool"


def test_an_adviser_enrols_a_pathway_with_a_quote_and_two_tranches(
    api, adviser, prescriber_org, funder_org
):
    pathway = open_pathway(prescriber_org, adviser)
    response = api(adviser).post(
        f"{BASE}/enrolments",
        {
            "pathway_id": pathway.pk,
            "start_date": str(timezone.localdate()),
            "theory_hours": 20,
            "driving_hours": "30.5",
            "practical_funder_id": funder_org.pk,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["quote_total"] == "303.00"
    assert body["hourly_rate"] == "6.00"
    assert [(t["kind"], t["amount"], t["status"]) for t in body["tranches"]] == [
        ("practical", "183.00", "pending"),
        ("theory", "120.00", "pending"),
    ]
    assert body["tranches"][0]["funder_id"] == funder_org.pk
    assert body["attendance_rate"] is None
    assert body["practical_funding"] == {
        "released": False,
        "blocking": ["theory_not_passed", "attendance_below_threshold"],
    }
    assert body["theory_funding"]["blocking"] == ["agreement_not_signed"]
    notification = Notification.objects.get(event="service_started")
    assert "auto-école sociale" in notification.body


def test_the_hourly_rate_can_be_given(api, adviser, prescriber_org):
    pathway = open_pathway(prescriber_org, adviser)
    response = api(adviser).post(
        f"{BASE}/enrolments",
        {
            "pathway_id": pathway.pk,
            "start_date": str(timezone.localdate()),
            "theory_hours": 10,
            "driving_hours": 10,
            "hourly_rate": "7.25",
        },
    )
    assert response.status_code == 201
    assert response.json()["quote_total"] == "145.00"


def test_without_hours_nor_diagnostic_the_hours_are_asked_for(api, adviser, prescriber_org):
    pathway = open_pathway(prescriber_org, adviser)
    response = api(adviser).post(
        f"{BASE}/enrolments", {"pathway_id": pathway.pk, "start_date": str(timezone.localdate())}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"theory_hours", "driving_hours"}


def test_hours_are_suggested_from_the_orientation_group(api, adviser, prescriber_org, monkeypatch):
    monkeypatch.setattr("drivingschool.selectors.orientation_group_for", lambda pathway: 2)
    pathway = open_pathway(prescriber_org, adviser)
    response = api(adviser).post(
        f"{BASE}/enrolments", {"pathway_id": pathway.pk, "start_date": str(timezone.localdate())}
    )
    assert response.status_code == 201, response.content
    assert (response.json()["theory_hours"], response.json()["driving_hours"]) == (30, 40)
    assert response.json()["quote_total"] == "420.00"


def test_group_3_is_not_enrolled(api, adviser, prescriber_org, monkeypatch):
    monkeypatch.setattr("drivingschool.selectors.orientation_group_for", lambda pathway: 3)
    pathway = open_pathway(prescriber_org, adviser)
    response = api(adviser).post(
        f"{BASE}/enrolments",
        {
            "pathway_id": pathway.pk,
            "start_date": str(timezone.localdate()),
            "theory_hours": 10,
            "driving_hours": 10,
        },
    )
    assert response.status_code == 422
    assert "partenaire spécialisé" in response.json()["detail"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"theory_hours": -1}, "theory_hours"),
        ({"theory_hours": "abc"}, "theory_hours"),
        ({"hourly_rate": "6.123"}, "hourly_rate"),
        ({"start_date": "2020-13-01"}, "start_date"),
        ({"start_date": "2000-01-01"}, "start_date"),
        ({"theory_hours": 0, "driving_hours": 0}, "theory_hours"),
        ({"theory_hours": 900}, "theory_hours"),
        ({"color": "red"}, "color"),
    ],
)
def test_bad_enrolment_input_is_a_422_in_french(api, adviser, prescriber_org, changes, field):
    pathway = open_pathway(prescriber_org, adviser)
    body = {
        "pathway_id": pathway.pk,
        "start_date": str(timezone.localdate()),
        "theory_hours": 20,
        "driving_hours": 30,
        **changes,
    }
    response = api(adviser).post(f"{BASE}/enrolments", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert Enrolment.objects.count() == 0


def test_a_funder_of_another_platform_or_a_prescriber_org_is_refused(
    api, adviser, prescriber_org, other_platform
):
    pathway = open_pathway(prescriber_org, adviser)
    stranger = OrganisationFactory(platform=other_platform, funder=True)
    for funder_id in (stranger.pk, prescriber_org.pk):
        response = api(adviser).post(
            f"{BASE}/enrolments",
            {
                "pathway_id": pathway.pk,
                "start_date": str(timezone.localdate()),
                "theory_hours": 1,
                "driving_hours": 1,
                "theory_funder_id": funder_id,
            },
        )
        assert response.status_code == 422
        assert "theory_funder_id" in response.json()["errors"]


def test_a_second_active_enrolment_on_a_pathway_is_a_409(api, adviser, enrolment):
    response = api(adviser).post(
        f"{BASE}/enrolments",
        {
            "pathway_id": enrolment.pathway_id,
            "start_date": str(timezone.localdate()),
            "theory_hours": 1,
            "driving_hours": 1,
        },
    )
    assert response.status_code == 409


def test_another_platforms_pathway_is_unknown(api, other_adviser, prescriber_org, adviser):
    pathway = open_pathway(prescriber_org, adviser)
    response = api(other_adviser).post(
        f"{BASE}/enrolments",
        {
            "pathway_id": pathway.pk,
            "start_date": str(timezone.localdate()),
            "theory_hours": 1,
            "driving_hours": 1,
        },
    )
    assert response.status_code == 422
    assert "pathway_id" in response.json()["errors"]


def test_the_enrolment_state_follows_attendance_and_exams(api, adviser, instructor, enrolment):
    held = [lesson(instructor, [enrolment], days_ago=d) for d in (5, 4, 3, 2, 1)]
    for one in held[:4]:
        mark(instructor, one, enrolment, "present")
    mark(instructor, held[4], enrolment, "late", late_minutes=20)
    future = lesson(instructor, [enrolment], days_ago=-2)
    assert future.pk
    client = api(instructor)

    response = client.post(
        f"{BASE}/enrolments/{enrolment.pk}/exams",
        {"kind": "theory", "date": str(timezone.localdate()), "passed": True},
    )
    assert response.status_code == 201, response.content
    body = client.get(f"{BASE}/enrolments/{enrolment.pk}").json()

    assert body["attendance_rate"] == 1.0
    assert body["late_minutes"] == 20
    assert body["unexcused_absences"] == 0
    assert body["theory_passed"] is True
    assert body["driving_passed"] is False
    assert body["practical_funding"] == {"released": True, "blocking": []}
    tranche = FundingTranche.objects.get(enrolment=enrolment, kind="practical")
    assert tranche.status == "released"
    assert tranche.released_by == instructor


def test_three_unexcused_absences_propose_exclusion_and_close_the_gate(
    api, adviser, instructor, enrolment
):
    for days_ago in (3, 2, 1):
        mark(instructor, lesson(instructor, [enrolment], days_ago=days_ago), enrolment, "unexcused")

    body = api(adviser).get(f"{BASE}/enrolments/{enrolment.pk}").json()

    assert body["attendance_rate"] == 0.0
    assert body["unexcused_absences"] == 3
    assert body["exclusion_proposed"] is True
    assert body["excluded"] is False
    assert body["practical_funding"]["blocking"] == [
        "theory_not_passed",
        "attendance_below_threshold",
    ]


def test_an_adviser_excludes_with_a_reason(api, adviser, enrolment):
    client = api(adviser)
    assert (
        client.post(f"{BASE}/enrolments/{enrolment.pk}/exclude", {"reason": ""}).status_code == 422
    )
    response = client.post(
        f"{BASE}/enrolments/{enrolment.pk}/exclude", {"reason": "Trois absences sans nouvelles."}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["excluded"] is True
    assert body["status"] == "excluded"
    assert body["exclusion"]["reason"] == "Trois absences sans nouvelles."
    assert "excluded" in body["practical_funding"]["blocking"]
    again = client.post(f"{BASE}/enrolments/{enrolment.pk}/exclude", {"reason": "Encore."})
    assert again.status_code == 409


def test_an_instructor_may_not_exclude(api, instructor, enrolment):
    response = api(instructor).post(
        f"{BASE}/enrolments/{enrolment.pk}/exclude", {"reason": "Absences."}
    )
    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def test_the_agreement_signature_releases_tranche_1(api, adviser, enrolment):
    response = api(adviser).post(
        f"{BASE}/enrolments/{enrolment.pk}/agreement", {"signed_on": str(timezone.localdate())}
    )
    assert response.status_code == 200
    assert response.json()["theory_funding"] == {"released": True, "blocking": []}
    again = api(adviser).post(
        f"{BASE}/enrolments/{enrolment.pk}/agreement", {"signed_on": str(timezone.localdate())}
    )
    assert again.status_code == 409


def test_releasing_a_blocked_tranche_by_hand_is_refused(api, adviser, enrolment):
    response = api(adviser).post(f"{BASE}/enrolments/{enrolment.pk}/tranches/practical/release")
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "examen du code pas encore réussi" in detail
    assert "administrateur" in detail
    assert FundingTranche.objects.get(enrolment=enrolment, kind="practical").status == "pending"


def test_an_adviser_cannot_force_a_blocked_tranche(api, adviser, enrolment):
    response = api(adviser).post(
        f"{BASE}/enrolments/{enrolment.pk}/tranches/practical/release",
        {"override_reason": "Le financeur est d'accord."},
    )
    assert response.status_code == 403
    assert FundingTranche.objects.get(enrolment=enrolment, kind="practical").status == "pending"


def test_an_admin_forces_a_blocked_tranche_with_a_written_reason(api, admin_user, enrolment):
    response = api(admin_user).post(
        f"{BASE}/enrolments/{enrolment.pk}/tranches/practical/release",
        {"override_reason": "Accord écrit du Département du 3 mars."},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    practical = next(t for t in body["tranches"] if t["kind"] == "practical")
    assert practical["status"] == "released"
    assert practical["overridden"] is True
    assert body["practical_funding"]["released"] is True
    assert body["practical_funding"]["blocking"]  # still reported: the override is visible
    tranche = FundingTranche.objects.get(pk=practical["id"])
    assert tranche.history.first().history_user == admin_user


def test_a_released_tranche_is_marked_paid_and_stays_paid(api, adviser, enrolment):
    client = api(adviser)
    today = str(timezone.localdate())
    early = client.post(
        f"{BASE}/enrolments/{enrolment.pk}/tranches/theory/paid", {"paid_on": today}
    )
    assert early.status_code == 409
    client.post(f"{BASE}/enrolments/{enrolment.pk}/agreement", {"signed_on": today})
    response = client.post(
        f"{BASE}/enrolments/{enrolment.pk}/tranches/theory/paid", {"paid_on": today}
    )
    assert response.status_code == 200
    theory = next(t for t in response.json()["tranches"] if t["kind"] == "theory")
    assert (theory["status"], theory["paid_on"]) == ("paid", today)
    # An exclusion afterwards does not take back money paid.
    services.enrolment_exclude(by=adviser, enrolment=enrolment, reason="Abandon.")
    assert FundingTranche.objects.get(pk=theory["id"]).status == "paid"


def test_an_exclusion_closes_a_released_unpaid_tranche_again(adviser, enrolment):
    services.enrolment_sign_agreement(
        by=adviser, enrolment=enrolment, signed_on=timezone.localdate()
    )
    assert FundingTranche.objects.get(enrolment=enrolment, kind="theory").status == "released"
    services.enrolment_exclude(by=adviser, enrolment=enrolment, reason="Abandon.")
    assert FundingTranche.objects.get(enrolment=enrolment, kind="theory").status == "pending"


def test_the_list_is_paginated_with_a_bounded_query_count(
    api, adviser, instructor, prescriber_org, django_assert_max_num_queries
):
    for _ in range(3):
        one = enrol(prescriber_org, adviser)
        mark(instructor, lesson(instructor, [one]), one, "present")
    client = api(adviser)
    with django_assert_max_num_queries(12) as few:
        client.get(f"{BASE}/enrolments")
    for _ in range(4):
        one = enrol(prescriber_org, adviser)
        mark(instructor, lesson(instructor, [one]), one, "unexcused")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"{BASE}/enrolments", limit=5)
    body = response.json()
    assert body["count"] == 7
    assert len(body["items"]) == 5


@pytest.mark.parametrize("role", ["prescriber", "funder", "fleet"])
def test_other_roles_are_refused(api, enrolment, platform, role):
    user = member(role, platform)
    client = api(user)
    with nothing_written():
        assert client.get(f"{BASE}/enrolments/{enrolment.pk}").status_code == 403
    with nothing_written():
        assert client.get(f"{BASE}/enrolments").status_code == 403
    response = client.post(f"{BASE}/enrolments/{enrolment.pk}/exclude", {"reason": "x"})
    assert response.status_code == 403


def test_another_platform_sees_nothing(api, other_adviser, enrolment):
    client = api(other_adviser)
    with nothing_written():
        assert client.get(f"{BASE}/enrolments/{enrolment.pk}").status_code == 404
    assert client.get(f"{BASE}/enrolments").json()["count"] == 0
    response = client.post(f"{BASE}/enrolments/{enrolment.pk}/exclude", {"reason": "x"})
    assert response.status_code == 404


def test_without_credentials_it_is_a_401(api, enrolment):
    assert api().get(f"{BASE}/enrolments/{enrolment.pk}").status_code == 401


def test_money_is_a_string_with_two_decimals(api, adviser, prescriber_org):
    one = enrol(
        prescriber_org,
        adviser,
        theory_hours=Decimal("1"),
        driving_hours=Decimal("0"),
        hourly_rate=Decimal("6"),
    )
    body = api(adviser).get(f"{BASE}/enrolments/{one.pk}").json()
    assert body["quote_total"] == "6.00"
    assert body["hourly_rate"] == "6.00"
