"""API: lessons, the attendance sheet, exams (docs/api.md, "Driving school")."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from drivingschool.models import Attendance, ExamAttempt, Lesson
from mobility.models import Notification
from tests.drivingschool.conftest import enrol, lesson, mark
from tests.factories import member
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db
BASE = "/api/v1/drivingschool"


def iso(moment):
    return moment.isoformat()


def test_an_instructor_schedules_a_group_lesson_and_is_its_instructor(
    api, instructor, adviser, prescriber_org
):
    first, second = enrol(prescriber_org, adviser), enrol(prescriber_org, adviser)
    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    response = api(instructor).post(
        f"{BASE}/lessons",
        {
            "kind": "theory",
            "start": iso(start),
            "duration_minutes": 120,
            "enrolment_ids": [second.pk, first.pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["enrolment_ids"] == sorted([first.pk, second.pk])
    assert body["instructor_id"] == instructor.pk
    assert body["duration_minutes"] == 120
    assert body["attendance"] == []


# A lesson is scheduled within a year of today: the clock is frozen a week before it.
@pytest.mark.time_machine(datetime(2026, 6, 8, 10, tzinfo=ZoneInfo("Europe/Paris")))
def test_a_naive_start_is_paris_time(api, instructor, enrolment):
    response = api(instructor).post(
        f"{BASE}/lessons",
        {
            "kind": "driving",
            "start": "2026-06-15T09:00:00",
            "duration_minutes": 60,
            "enrolment_ids": [enrolment.pk],
        },
    )
    assert response.status_code == 201, response.content
    # Summer time in Paris: 09:00 there is 07:00 UTC, whichever way the answer writes it.
    start = datetime.fromisoformat(response.json()["start"].replace("Z", "+00:00"))
    assert start == datetime(2026, 6, 15, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "karting"}, "kind"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 601}, "duration_minutes"),
        ({"enrolment_ids": []}, "enrolment_ids"),
        ({"enrolment_ids": [999999]}, "enrolment_ids"),
        ({"start": "demain"}, "start"),
    ],
)
def test_bad_lesson_input_is_a_422(api, instructor, enrolment, changes, field):
    body = {
        "kind": "theory",
        "start": iso(timezone.now() + timedelta(days=1)),
        "duration_minutes": 60,
        "enrolment_ids": [enrolment.pk],
        **changes,
    }
    response = api(instructor).post(f"{BASE}/lessons", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert Lesson.objects.count() == 0


def test_an_excluded_person_is_not_scheduled(api, instructor, adviser, enrolment):
    api(adviser).post(f"{BASE}/enrolments/{enrolment.pk}/exclude", {"reason": "Abandon."})
    response = api(instructor).post(
        f"{BASE}/lessons",
        {
            "kind": "theory",
            "start": iso(timezone.now() + timedelta(days=1)),
            "duration_minutes": 60,
            "enrolment_ids": [enrolment.pk],
        },
    )
    assert response.status_code == 422
    assert "exclue" in response.json()["detail"] + str(response.json()["errors"])


def test_the_attendance_sheet_is_saved_in_one_post(api, instructor, adviser, prescriber_org):
    people = [enrol(prescriber_org, adviser) for _ in range(4)]
    held = lesson(instructor, people)
    response = api(instructor).post(
        f"{BASE}/lessons/{held.pk}/attendance",
        [
            {"enrolment_id": people[0].pk, "status": "present"},
            {"enrolment_id": people[1].pk, "status": "late", "late_minutes": 12},
            {"enrolment_id": people[2].pk, "status": "excused", "reason": "Enfant malade"},
            {"enrolment_id": people[3].pk, "status": "unexcused"},
        ],
    )
    assert response.status_code == 200, response.content
    rows = {row["enrolment_id"]: row for row in response.json()}
    assert rows[people[1].pk]["late_minutes"] == 12
    assert rows[people[2].pk]["reason"] == "Enfant malade"
    assert Attendance.objects.filter(lesson=held).count() == 4


def test_each_unexcused_absence_notifies_the_referent_the_same_day(
    api, instructor, enrolment, django_capture_on_commit_callbacks
):
    held = lesson(instructor, [enrolment])
    with django_capture_on_commit_callbacks(execute=True):
        response = api(instructor).post(
            f"{BASE}/lessons/{held.pk}/attendance",
            [{"enrolment_id": enrolment.pk, "status": "unexcused"}],
        )
    assert response.status_code == 200
    notification = Notification.objects.get(event="absence_unexcused")
    referral = enrolment.pathway.referrals.get()
    assert notification.referral == referral
    assert notification.created_by == instructor
    assert notification.sent_at is not None
    assert notification.created_at.date() == timezone.now().date()
    assert "absence injustifiée" in notification.subject
    assert "1re absence injustifiée" in notification.body
    assert [message.to for message in mail.outbox if "absence" in message.subject] == [
        [referral.referent_email]
    ]


def sheet_rows(people, statuses):
    rows = []
    for person, status in zip(people, statuses, strict=False):
        row = {"enrolment_id": person.pk, "status": status}
        if status == "late":
            row["late_minutes"] = 5
        if status == "excused":
            row["reason"] = "Rendez-vous médical"
        rows.append(row)
    return rows


def test_the_sheet_query_count_does_not_grow_with_rows(api, instructor, adviser, prescriber_org):
    """Creating then correcting a sheet of 3 or of 12 people (with signed agreements, absences
    told to referents, tranches moving) costs the same number of queries."""
    client = api(instructor)
    client.get(f"{BASE}/lessons")  # the token's first use is written once (see tokens.py)
    counts = []
    for size in (3, 12):
        people = [enrol(prescriber_org, adviser, signed=True) for _ in range(size)]
        held = lesson(instructor, people, kind="driving", minutes=60)
        url = f"{BASE}/lessons/{held.pk}/attendance"
        first = sheet_rows(people, ["present", "late", "unexcused"] * size)
        correction = sheet_rows(people, ["unexcused", "excused", "present"] * size)
        with CaptureQueriesContext(connection) as created:
            assert client.post(url, first).status_code == 200
        with CaptureQueriesContext(connection) as corrected:
            assert client.post(url, correction).status_code == 200
        assert Attendance.objects.filter(lesson=held).count() == size
        counts.append((len(created.captured_queries), len(corrected.captured_queries)))
    assert counts[0] == counts[1]
    # Every newly unexcused person's referent is told, in both sizes.
    assert Notification.objects.filter(event="absence_unexcused").count() == 2 * (1 + 4)


def test_a_repeated_sheet_does_not_notify_twice(api, instructor, enrolment):
    held = lesson(instructor, [enrolment])
    row = [{"enrolment_id": enrolment.pk, "status": "unexcused"}]
    client = api(instructor)
    assert client.post(f"{BASE}/lessons/{held.pk}/attendance", row).status_code == 200
    assert client.post(f"{BASE}/lessons/{held.pk}/attendance", row).status_code == 200
    assert Notification.objects.filter(event="absence_unexcused").count() == 1
    assert Attendance.history.filter(lesson_id=held.pk).count() == 1


def test_a_correction_updates_the_row_and_keeps_its_history(api, instructor, enrolment):
    held = lesson(instructor, [enrolment])
    client = api(instructor)
    client.post(
        f"{BASE}/lessons/{held.pk}/attendance",
        [{"enrolment_id": enrolment.pk, "status": "unexcused"}],
    )
    response = client.post(
        f"{BASE}/lessons/{held.pk}/attendance",
        [{"enrolment_id": enrolment.pk, "status": "excused", "reason": "Certificat médical"}],
    )
    assert response.status_code == 200
    attendance = Attendance.objects.get()
    assert attendance.status == "excused"
    assert [h.status for h in attendance.history.order_by("history_date")] == [
        "unexcused",
        "excused",
    ]


def test_attendance_for_someone_not_enrolled_in_the_lesson_is_a_422(
    api, instructor, adviser, prescriber_org
):
    booked, other = enrol(prescriber_org, adviser), enrol(prescriber_org, adviser)
    held = lesson(instructor, [booked])
    response = api(instructor).post(
        f"{BASE}/lessons/{held.pk}/attendance",
        [
            {"enrolment_id": booked.pk, "status": "present"},
            {"enrolment_id": other.pk, "status": "present"},
        ],
    )
    assert response.status_code == 422
    assert f"{other.pk}.enrolment_id" in response.json()["errors"]
    assert "n'est pas prévue" in response.json()["detail"]
    assert Attendance.objects.count() == 0  # the sheet is saved whole or not at all


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"status": "late"}, "late_minutes"),
        ({"status": "late", "late_minutes": 0}, "late_minutes"),
        ({"status": "excused"}, "reason"),
        ({"status": "excused", "reason": "   "}, "reason"),
        ({"status": "present", "late_minutes": 10}, "late_minutes"),
    ],
)
def test_bad_rows_are_a_422_naming_the_person_and_field(api, instructor, enrolment, row, field):
    held = lesson(instructor, [enrolment])
    response = api(instructor).post(
        f"{BASE}/lessons/{held.pk}/attendance", [{"enrolment_id": enrolment.pk, **row}]
    )
    assert response.status_code == 422, response.content
    assert f"{enrolment.pk}.{field}" in response.json()["errors"]
    assert Attendance.objects.count() == 0


def test_an_unknown_status_or_a_non_list_body_is_a_422(api, instructor, enrolment):
    held = lesson(instructor, [enrolment])
    client = api(instructor)
    url = f"{BASE}/lessons/{held.pk}/attendance"
    assert client.post(url, [{"enrolment_id": enrolment.pk, "status": "asleep"}]).status_code == 422
    assert client.post(url, {"enrolment_id": enrolment.pk}).status_code == 422
    assert client.post(url, []).status_code == 422


def test_duplicate_rows_for_one_person_are_a_422(api, instructor, enrolment):
    held = lesson(instructor, [enrolment])
    response = api(instructor).post(
        f"{BASE}/lessons/{held.pk}/attendance",
        [
            {"enrolment_id": enrolment.pk, "status": "present"},
            {"enrolment_id": enrolment.pk, "status": "unexcused"},
        ],
    )
    assert response.status_code == 422
    assert "deux fois" in response.json()["detail"]
    assert Attendance.objects.count() == 0


def test_no_attendance_before_the_lesson_starts(api, instructor, enrolment):
    upcoming = lesson(instructor, [enrolment], days_ago=-1)
    response = api(instructor).post(
        f"{BASE}/lessons/{upcoming.pk}/attendance",
        [{"enrolment_id": enrolment.pk, "status": "present"}],
    )
    assert response.status_code == 409
    assert "pas encore commencé" in response.json()["detail"]


def test_a_cancelled_lesson_has_no_sheet_and_a_started_sheet_no_cancellation(
    api, instructor, adviser, prescriber_org
):
    one, two = enrol(prescriber_org, adviser), enrol(prescriber_org, adviser)
    client = api(instructor)
    held = lesson(instructor, [one])
    assert client.post(f"{BASE}/lessons/{held.pk}/cancel", {"reason": ""}).status_code == 422
    response = client.post(f"{BASE}/lessons/{held.pk}/cancel", {"reason": "Moniteur malade"})
    assert response.status_code == 200
    assert response.json()["cancelled"] is True
    refused = client.post(
        f"{BASE}/lessons/{held.pk}/attendance", [{"enrolment_id": one.pk, "status": "present"}]
    )
    assert refused.status_code == 409
    marked = lesson(instructor, [two])
    mark(instructor, marked, two)
    assert client.post(f"{BASE}/lessons/{marked.pk}/cancel", {"reason": "x"}).status_code == 409


def test_lessons_are_listed_by_period(api, instructor, enrolment):
    lesson(instructor, [enrolment], days_ago=10)
    recent = lesson(instructor, [enrolment], days_ago=1)
    since = (timezone.now() - timedelta(days=3)).isoformat()
    response = api(instructor).get(f"{BASE}/lessons", start=since)
    assert [item["id"] for item in response.json()["items"]] == [recent.pk]


# ---- exams


def test_an_exam_before_any_lesson_is_refused(api, instructor, enrolment):
    response = api(instructor).post(
        f"{BASE}/enrolments/{enrolment.pk}/exams",
        {"kind": "theory", "date": str(timezone.localdate()), "passed": True},
    )
    assert response.status_code == 422
    assert "date" in response.json()["errors"]
    lesson(instructor, [enrolment], days_ago=2)
    earlier = timezone.localdate() - timedelta(days=5)
    response = api(instructor).post(
        f"{BASE}/enrolments/{enrolment.pk}/exams",
        {"kind": "theory", "date": str(earlier), "passed": True},
    )
    assert response.status_code == 422
    assert ExamAttempt.objects.count() == 0


def test_exam_attempts_until_success_then_the_driving_exam(api, instructor, enrolment):
    lesson(instructor, [enrolment], days_ago=3)
    client = api(instructor)
    url = f"{BASE}/enrolments/{enrolment.pk}/exams"
    today = str(timezone.localdate())
    driving_first = client.post(url, {"kind": "driving", "date": today, "passed": True})
    assert driving_first.status_code == 422
    assert client.post(url, {"kind": "theory", "date": today, "passed": False}).status_code == 201
    assert client.post(url, {"kind": "theory", "date": today, "passed": True}).status_code == 201
    again = client.post(url, {"kind": "theory", "date": today, "passed": True})
    assert again.status_code == 422
    assert client.post(url, {"kind": "driving", "date": today, "passed": True}).status_code == 201
    body = client.get(f"{BASE}/enrolments/{enrolment.pk}").json()
    assert body["theory_passed"] and body["driving_passed"]


def test_bad_exam_input_is_a_422(api, instructor, enrolment):
    url = f"{BASE}/enrolments/{enrolment.pk}/exams"
    client = api(instructor)
    assert (
        client.post(url, {"kind": "code", "date": "2026-01-01", "passed": True}).status_code == 422
    )
    assert client.post(url, {"kind": "theory", "date": "hier", "passed": True}).status_code == 422
    assert client.post(url, {"kind": "theory", "date": "2026-01-01"}).status_code == 422


# ---- roles and tenancy


@pytest.mark.parametrize("role", ["prescriber", "funder", "fleet"])
def test_other_roles_may_not_schedule_nor_mark(api, instructor, enrolment, platform, role):
    held = lesson(instructor, [enrolment])
    client = api(member(role, platform))
    with nothing_written():
        assert client.get(f"{BASE}/lessons").status_code == 403
    body = {
        "kind": "theory",
        "start": iso(timezone.now()),
        "duration_minutes": 60,
        "enrolment_ids": [enrolment.pk],
    }
    with nothing_written():
        assert client.post(f"{BASE}/lessons", body).status_code == 403
    row = [{"enrolment_id": enrolment.pk, "status": "present"}]
    with nothing_written():
        assert client.post(f"{BASE}/lessons/{held.pk}/attendance", row).status_code == 403
    exam = {"kind": "theory", "date": str(timezone.localdate()), "passed": True}
    with nothing_written():
        assert client.post(f"{BASE}/enrolments/{enrolment.pk}/exams", exam).status_code == 403


def test_another_platforms_instructor_gets_404s(api, instructor, other_instructor, enrolment):
    held = lesson(instructor, [enrolment])
    client = api(other_instructor)
    row = [{"enrolment_id": enrolment.pk, "status": "unexcused"}]
    with nothing_written():
        assert client.post(f"{BASE}/lessons/{held.pk}/attendance", row).status_code == 404
    with nothing_written():
        assert client.get(f"{BASE}/lessons/{held.pk}").status_code == 404
    body = {
        "kind": "theory",
        "start": iso(timezone.now()),
        "duration_minutes": 60,
        "enrolment_ids": [enrolment.pk],
    }
    assert client.post(f"{BASE}/lessons", body).status_code == 422
    assert Attendance.objects.count() == 0


def test_an_idempotent_retry_of_the_sheet_writes_nothing_more(api, instructor, enrolment):
    held = lesson(instructor, [enrolment])
    client = api(instructor)
    row = [{"enrolment_id": enrolment.pk, "status": "unexcused"}]
    headers = {"Idempotency-Key": "tablette-42"}
    first = client.post(f"{BASE}/lessons/{held.pk}/attendance", row, headers=headers)
    second = client.post(f"{BASE}/lessons/{held.pk}/attendance", row, headers=headers)
    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert Notification.objects.filter(event="absence_unexcused").count() == 1
