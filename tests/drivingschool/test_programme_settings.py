"""The programme's stored settings, with values other than the defaults, reach every
reading of an enrolment (the defaults would hide a selector that ignores them)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from drivingschool.models import Programme
from tests.drivingschool.conftest import lesson, mark

pytestmark = pytest.mark.django_db
BASE = "/api/v1/drivingschool"


def set_programme(enrolment, **values):
    Programme.objects.filter(pk=enrolment.programme_id).update(**values)


def test_excused_absences_left_out_of_the_hours_due_when_the_programme_says_so(
    api, adviser, instructor, enrolment
):
    set_programme(enrolment, excused_count_as_held=False)
    mark(instructor, lesson(instructor, [enrolment], days_ago=2), enrolment, "present")
    mark(
        instructor,
        lesson(instructor, [enrolment], days_ago=1),
        enrolment,
        "excused",
        reason="Rendez-vous médical",
    )

    body = api(adviser).get(f"{BASE}/enrolments/{enrolment.pk}").json()

    # Counted as held (the default) the excused lesson would halve the rate.
    assert body["attendance_rate"] == 1.0


def test_the_programme_thresholds_decide_exclusion_and_the_practical_gate(
    api, adviser, instructor, enrolment
):
    set_programme(enrolment, exclusion_threshold=2, attendance_threshold=Decimal("0.60"))
    for days_ago, status in [(6, "present"), (5, "present"), (4, "present")]:
        mark(instructor, lesson(instructor, [enrolment], days_ago=days_ago), enrolment, status)
    for days_ago in (3, 2):
        mark(instructor, lesson(instructor, [enrolment], days_ago=days_ago), enrolment, "unexcused")
    client = api(instructor)
    exam = client.post(
        f"{BASE}/enrolments/{enrolment.pk}/exams",
        {"kind": "theory", "date": str(timezone.localdate()), "passed": True},
    )
    assert exam.status_code == 201, exam.content

    body = api(adviser).get(f"{BASE}/enrolments/{enrolment.pk}").json()

    # 3 lessons attended out of 5 held: 60 %, enough against 0.60 (not against 0.80);
    # two unexcused absences reach a threshold of 2 (not the default 3).
    assert body["attendance_rate"] == 0.6
    assert body["unexcused_absences"] == 2
    assert body["exclusion_proposed"] is True
    assert "attendance_below_threshold" not in body["practical_funding"]["blocking"]
