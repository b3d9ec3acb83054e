"""Who a lesson is booked for: given as is to the service, and kept in the history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from drivingschool.models import Lesson
from tests.drivingschool.conftest import enrol, lesson

pytestmark = pytest.mark.django_db
BASE = "/api/v1/drivingschool"


def body(**changes):
    return {
        "kind": "theory",
        "start": (timezone.now() + timedelta(days=1)).isoformat(),
        "duration_minutes": 60,
        **changes,
    }


def test_a_person_given_twice_is_a_422_in_french(api, instructor, enrolment):
    response = api(instructor).post(
        f"{BASE}/lessons", body(enrolment_ids=[enrolment.pk, enrolment.pk])
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"]["enrolment_ids"] == "Une même personne figure deux fois."
    assert Lesson.objects.count() == 0


def test_nobody_given_is_a_422_in_french(api, instructor, enrolment):
    response = api(instructor).post(f"{BASE}/lessons", body(enrolment_ids=[]))
    assert response.status_code == 422, response.content
    assert "choisissez au moins une personne inscrite" in response.json()["detail"]
    assert response.json()["errors"]["enrolment_ids"] == (
        "Choisissez au moins une personne inscrite."
    )
    assert Lesson.objects.count() == 0


def test_the_query_count_does_not_grow_with_the_group(
    api, instructor, adviser, prescriber_org, django_assert_max_num_queries
):
    two = [enrol(prescriber_org, adviser) for _ in range(2)]
    client = api(instructor)
    with django_assert_max_num_queries(60) as few:
        assert (
            client.post(f"{BASE}/lessons", body(enrolment_ids=[e.pk for e in two])).status_code
            == 201
        )
    six = two + [enrol(prescriber_org, adviser) for _ in range(4)]
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert (
            client.post(f"{BASE}/lessons", body(enrolment_ids=[e.pk for e in six])).status_code
            == 201
        )


def test_the_booking_is_in_the_history_with_its_author(instructor, adviser, prescriber_org):
    first, second = enrol(prescriber_org, adviser), enrol(prescriber_org, adviser)
    booked = lesson(instructor, [first, second], days_ago=-1)
    record = booked.history.latest()
    assert record.history_user == instructor
    assert {row.enrolment_id for row in record.enrolments.all()} == {first.pk, second.pk}


def test_a_rebooking_is_in_the_history_with_its_author(instructor, adviser, prescriber_org):
    first, second = enrol(prescriber_org, adviser), enrol(prescriber_org, adviser)
    booked = lesson(instructor, [first, second], days_ago=-1)
    booked._history_user = adviser
    booked.enrolments.set([second])
    records = list(booked.history.order_by("history_date", "history_id"))
    latest = records[-1]
    assert latest.history_user == adviser
    assert {row.enrolment_id for row in latest.enrolments.all()} == {second.pk}
    before = latest.prev_record
    assert {row.enrolment_id for row in before.enrolments.all()} == {first.pk, second.pk}
    assert before.history_user == instructor
