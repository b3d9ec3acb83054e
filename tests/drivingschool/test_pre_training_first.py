"""Issue 11, item 4: a person who must follow a pré-formation (group 2) is booked on the
code, the simulator or the driving only once its hours are followed, or booked to end
before that lesson; the pré-formation itself is always bookable."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivingschool import assiduity
from drivingschool.assiduity import LessonRecord
from drivingschool.models import Lesson
from mobility.errors import InvalidInput
from tests.drivingschool.conftest import enrol, lesson, mark
from tests.nothing_written import nothing_written

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
H17_30 = Decimal("17.5")


def pre(days_before, minutes=210, status=None, cancelled=False):
    return LessonRecord(
        start=START - timedelta(days=days_before),
        duration_minutes=minutes,
        status=status,
        cancelled=cancelled,
        kind="pre_training",
    )


FIVE_MORNINGS = [pre(day, status="present") for day in range(1, 6)]


def test_five_mornings_attended_open_the_code():
    assert (
        assiduity.booking_problem(
            kind="theory", start=START, required_hours=H17_30, pre_training=FIVE_MORNINGS
        )
        is None
    )


def test_an_absence_leaves_the_pre_training_short_and_says_by_how_much():
    records = [*FIVE_MORNINGS[:4], pre(5, status="excused")]
    problem = assiduity.booking_problem(
        kind="theory", start=START, required_hours=H17_30, pre_training=records
    )
    assert problem == (
        "pré-formation de 17 h 30 à suivre d'abord (14 h suivies ou prévues avant cette séance)"
    )


def test_pre_training_booked_to_end_before_the_lesson_counts_one_ending_after_does_not():
    booked = [pre(day) for day in range(1, 6)]  # not on a sheet yet
    assert (
        assiduity.booking_problem(
            kind="driving", start=START, required_hours=H17_30, pre_training=booked
        )
        is None
    )
    overlapping = [*booked[:4], pre(0, minutes=210)]  # starts at the lesson's hour
    assert assiduity.booking_problem(
        kind="simulator", start=START, required_hours=H17_30, pre_training=overlapping
    )


def test_cancelled_pre_training_does_not_count():
    records = [*FIVE_MORNINGS[:4], pre(5, cancelled=True)]
    assert assiduity.booking_problem(
        kind="theory", start=START, required_hours=H17_30, pre_training=records
    )


def test_the_pre_training_itself_and_people_without_one_are_always_bookable():
    assert (
        assiduity.booking_problem(
            kind="pre_training", start=START, required_hours=H17_30, pre_training=[]
        )
        is None
    )
    assert (
        assiduity.booking_problem(
            kind="theory", start=START, required_hours=Decimal("0"), pre_training=[]
        )
        is None
    )


@given(
    lessons=st.lists(
        st.tuples(
            st.integers(-5, 10),
            st.integers(1, 300),
            st.sampled_from([None, "present", "late", "excused", "unexcused"]),
            st.booleans(),
        ),
        max_size=8,
    ),
    required=st.decimals(min_value=0, max_value=30, places=1),
)
def test_booking_allowed_exactly_when_followed_minutes_reach_the_hours(lessons, required):
    records = [pre(d, m, s, c) for d, m, s, c in lessons]
    followed = sum(
        m
        for d, m, s, c in lessons
        if not c
        and START - timedelta(days=d) + timedelta(minutes=m) <= START
        and s in (None, "present", "late")
    )
    problem = assiduity.booking_problem(
        kind="theory", start=START, required_hours=required, pre_training=records
    )
    assert (problem is None) == (required <= 0 or followed >= required * 60)


# ---- the service


@pytest.mark.django_db
def test_a_group_2_person_is_booked_on_the_code_after_the_pre_training(
    adviser, instructor, prescriber_org
):
    one = enrol(prescriber_org, adviser, signed=True, pre_training_hours=H17_30)
    other = enrol(prescriber_org, adviser, signed=True)
    with nothing_written(), pytest.raises(InvalidInput) as refused:
        lesson(instructor, [other, one], days_ago=-2, kind="theory")
    assert (
        f"inscription {one.pk}, pré-formation de 17 h 30" in refused.value.errors["enrolment_ids"]
    )
    assert f"inscription {other.pk}" not in refused.value.errors["enrolment_ids"]
    # Five mornings of pré-formation this week, the first two already attended.
    for day in (4, 3):
        mark(
            instructor,
            lesson(instructor, [one], days_ago=day, kind="pre_training", minutes=210),
            one,
        )
    for day in (2, 1, 0):
        lesson(instructor, [one], days_ago=day, kind="pre_training", minutes=210)
    code = lesson(instructor, [other, one], days_ago=-2, kind="theory")
    assert set(code.enrolments.all()) == {one, other}


@pytest.mark.django_db
def test_the_api_refuses_the_booking_in_french(api, adviser, instructor, prescriber_org):
    one = enrol(prescriber_org, adviser, signed=True, pre_training_hours=H17_30)
    before = Lesson.objects.count()
    start = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    response = api(instructor).post(
        "/api/v1/drivingschool/lessons",
        {
            "kind": "theory",
            "start": start.isoformat(),
            "duration_minutes": 120,
            "enrolment_ids": [one.pk],
        },
    )
    assert response.status_code == 422, response.content
    assert "pré-formation de 17 h 30 à suivre d'abord" in response.json()["detail"]
    assert Lesson.objects.count() == before
