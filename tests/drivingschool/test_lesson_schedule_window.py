"""A lesson is scheduled within a year of today; rows from before that rule never crash reads."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from drivingschool import assiduity
from drivingschool.models import Lesson
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db
BASE = "/api/v1/drivingschool"
TODAY = date(2026, 3, 2)


def body(enrolment, **changes):
    return {
        "kind": "theory",
        "start": (timezone.now() + timedelta(days=1)).isoformat(),
        "duration_minutes": 60,
        "enrolment_ids": [enrolment.pk],
        **changes,
    }


def test_the_rule_accepts_a_year_either_way_and_nothing_beyond():
    def problems(day):
        start = datetime.combine(day, datetime.min.time())
        return assiduity.lesson_problems(start=start, duration_minutes=60, today=TODAY)

    window = assiduity.LESSON_SCHEDULING_WINDOW
    assert problems(TODAY) == {}
    assert problems(TODAY - window) == {}
    assert problems(TODAY + window) == {}
    assert "start" in problems(TODAY - window - timedelta(days=1))
    assert "start" in problems(TODAY + window + timedelta(days=1))
    assert "un an" in problems(date(9999, 12, 31))["start"]
    assert "start" in problems(date(1, 1, 1))


@pytest.mark.parametrize("minutes", [0, -5, assiduity.LESSON_MAX_MINUTES + 1, 10**9])
def test_the_rule_refuses_an_absurd_duration(minutes):
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    problems = assiduity.lesson_problems(start=start, duration_minutes=minutes, today=TODAY)
    assert "entre 1 et 600 minutes" in problems["duration_minutes"]


@pytest.mark.parametrize(
    "start",
    [
        "9999-12-31T20:00:00+00:00",
        "0001-01-01T00:00:00",
        "0001-01-01T00:00:00+00:00",
    ],
)
def test_the_api_refuses_a_lesson_far_in_the_future_or_past_in_french(
    api, instructor, enrolment, start
):
    response = api(instructor).post(f"{BASE}/lessons", body(enrolment, start=start))
    assert response.status_code == 422, response.content
    assert "un an avant ou après aujourd'hui" in response.json()["detail"]
    assert "start" in response.json()["errors"]
    assert Lesson.objects.count() == 0
    assert api(instructor).get(f"{BASE}/lessons").status_code == 200


@pytest.mark.parametrize("days", [800, -800])
def test_the_api_refuses_a_lesson_more_than_a_year_away(api, instructor, enrolment, days):
    start = (timezone.now() + timedelta(days=days)).isoformat()
    response = api(instructor).post(f"{BASE}/lessons", body(enrolment, start=start))
    assert response.status_code == 422, response.content
    assert "start" in response.json()["errors"]


def test_the_api_still_accepts_a_lesson_next_month(api, instructor, enrolment):
    start = (timezone.now() + timedelta(days=30)).isoformat()
    response = api(instructor).post(f"{BASE}/lessons", body(enrolment, start=start))
    assert response.status_code == 201, response.content


def test_the_page_form_says_the_day_is_out_of_the_window(instructor, enrolment):
    response = logged_in(instructor).post(
        reverse("drivingschool:lesson_create"),
        {
            "kind": "theory",
            "day": "9999-12-31",
            "time": "20:00",
            "duration_minutes": "600",
            "enrolments": [enrolment.pk],
        },
    )
    assert response.status_code == 200
    assert "au plus un an avant ou après aujourd" in response.content.decode()
    assert Lesson.objects.count() == 0


def legacy_lesson(instructor, enrolment, start):
    """A row written before the window was checked (bypassing the service on purpose)."""
    row = Lesson.objects.create(
        platform=enrolment.platform,
        kind="theory",
        start=start,
        duration_minutes=600,
        instructor=instructor,
        created_by=instructor,
    )
    row.enrolments.add(enrolment)
    return row


@pytest.mark.parametrize(
    "start", [datetime(9999, 12, 31, 20, tzinfo=UTC), datetime(1, 1, 1, 12, tzinfo=UTC)]
)
def test_a_legacy_lesson_at_the_calendars_ends_does_not_crash_the_reads(
    api, instructor, enrolment, start
):
    legacy_lesson(instructor, enrolment, start)
    legacy_lesson(instructor, enrolment, timezone.now() - timedelta(days=1))
    response = api(instructor).get(f"{BASE}/lessons")
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 2
    page = logged_in(instructor).get(reverse("drivingschool:enrolment_detail", args=[enrolment.pk]))
    assert page.status_code == 200
    # Only the months that have lessons are drawn, not the thousands of years between.
    assert len(page.context["months"]) <= 2
