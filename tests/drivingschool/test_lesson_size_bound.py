"""A lesson and its attendance sheet hold at most MAX_LESSON_PARTICIPANTS people."""

import pytest
from django.utils import timezone

from drivingschool import services
from drivingschool.assiduity import MAX_LESSON_PARTICIPANTS
from drivingschool.models import Attendance, Enrolment, Lesson
from mobility.errors import InvalidInput
from tests.drivingschool.conftest import lesson

BASE = "/api/v1/drivingschool"


def test_an_attendance_sheet_longer_than_a_lesson_holds_is_a_french_422(api, instructor, enrolment):
    held = lesson(instructor, [enrolment])
    rows = [{"enrolment_id": enrolment.pk, "status": "present"}] * (MAX_LESSON_PARTICIPANTS + 1)
    response = api(instructor).post(f"{BASE}/lessons/{held.pk}/attendance", rows)
    assert response.status_code == 422
    assert f"{MAX_LESSON_PARTICIPANTS} au plus" in response.json()["detail"]
    assert not Attendance.objects.exists()


def test_a_lesson_for_more_people_than_a_lesson_holds_is_a_french_422(api, instructor, enrolment):
    response = api(instructor).post(
        f"{BASE}/lessons",
        {
            "kind": "theory",
            "start": "2026-01-05T09:00:00+01:00",
            "duration_minutes": 60,
            "enrolment_ids": list(range(1, MAX_LESSON_PARTICIPANTS + 2)),
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"]["enrolment_ids"] == (
        f"trop d'éléments ({MAX_LESSON_PARTICIPANTS} au plus)"
    )


def test_the_pages_cannot_schedule_a_lesson_for_more_people_either(instructor, platform):
    # The page offers every active enrolment of the platform: the service bounds the group.
    crowd = [Enrolment(pk=n, platform=platform) for n in range(1, MAX_LESSON_PARTICIPANTS + 2)]
    with pytest.raises(InvalidInput) as refused:
        services.lesson_schedule(
            by=instructor,
            platform=platform,
            kind="theory",
            start=timezone.now(),
            duration_minutes=60,
            enrolments=crowd,
        )
    assert refused.value.errors["enrolment_ids"] == (
        f"Une séance réunit au plus {MAX_LESSON_PARTICIPANTS} personnes."
    )
    assert not Lesson.objects.exists()
