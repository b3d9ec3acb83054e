"""The code stage gates tranche 2; the pré-formation has its own attendance and, when the
enrolment requires it (group 2 of the orientation), is completed before tranche 1."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from drivingschool import assiduity, selectors, services
from drivingschool.assiduity import LessonRecord
from drivingschool.models import FundingTranche
from tests.drivingschool.conftest import enrol, lesson, mark, open_pathway

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
BASE = "/api/v1/drivingschool"


def held(kind, minutes, status="present"):
    return LessonRecord(
        start=NOW - timedelta(days=1), duration_minutes=minutes, status=status, kind=kind
    )


# ---- pure rules


def test_every_lesson_kind_belongs_to_exactly_one_stage():
    stages = (assiduity.CODE_STAGE, assiduity.PRE_TRAINING_STAGE, assiduity.DRIVING_STAGE)
    for kind in ("theory", "pre_training", "driving", "simulator"):
        assert sum(kind in stage for stage in stages) == 1


def test_the_issue_case_pre_training_does_not_lift_the_code_rate():
    """14 of 20 code hours (70 %) stay 70 %, whatever the 17h30 of pré-formation."""
    records = [
        *[held("theory", 60) for _ in range(14)],
        *[held("theory", 60, "unexcused") for _ in range(6)],
        *[held("pre_training", 210) for _ in range(5)],
    ]
    code = assiduity.assess(assiduity.of_stage(records, assiduity.CODE_STAGE), now=NOW)
    everything = assiduity.assess(records, now=NOW)
    assert code.attendance_rate == Fraction(7, 10)
    assert everything.attendance_rate == Fraction(14 * 60 + 1050, 20 * 60 + 1050)  # 84 %
    gate = assiduity.practical_gate(
        theory_passed=True,
        attendance_rate=code.attendance_rate,
        threshold=Decimal("0.80"),
        excluded=False,
    )
    assert gate.blocking == ("attendance_below_threshold",)


records_strategy = st.lists(
    st.builds(
        held,
        st.sampled_from(["theory", "pre_training", "driving", "simulator"]),
        st.integers(1, 600),
        st.sampled_from(["present", "late", "excused", "unexcused"]),
    ),
    max_size=30,
)


@given(records_strategy, records_strategy)
def test_lessons_of_other_stages_never_move_the_code_rate(code_lessons, others):
    code_only = [r for r in code_lessons if r.kind == "theory"]
    others = [r for r in others if r.kind != "theory"]
    alone = assiduity.assess(assiduity.of_stage(code_only, assiduity.CODE_STAGE), now=NOW)
    mixed = assiduity.assess(
        assiduity.of_stage([*code_only, *others], assiduity.CODE_STAGE), now=NOW
    )
    assert alone == mixed


@pytest.mark.parametrize(
    ("attended_minutes", "required", "completed"),
    [
        (0, Decimal("0"), True),  # nothing required
        (0, Decimal("17.5"), False),
        (1049, Decimal("17.5"), False),  # one minute short
        (1050, Decimal("17.5"), True),  # 17 h 30
        (1200, Decimal("17.5"), True),
    ],
)
def test_the_pre_training_is_completed_when_its_hours_are_attended(
    attended_minutes, required, completed
):
    assert (
        assiduity.pre_training_completed(attended_minutes=attended_minutes, required_hours=required)
        is completed
    )


def test_tranche_1_waits_for_the_pre_training():
    gate = assiduity.theory_gate(
        agreement_signed=True, excluded=False, pre_training_completed=False
    )
    assert gate.blocking == ("pre_training_not_completed",)
    assert assiduity.theory_gate(agreement_signed=True, excluded=False).open


# ---- through the services, the page and the API


@pytest.mark.django_db
def test_pre_training_hours_do_not_open_tranche_2(api, adviser, instructor, prescriber_org):
    one = enrol(prescriber_org, adviser, signed=True)
    for day in range(1, 8):  # 7 code lessons of 2 h: 5 attended (10 h of 14 h: 71 %)
        status = "present" if day <= 5 else "unexcused"
        mark(instructor, lesson(instructor, [one], days_ago=day + 10), one, status)
    for day in range(1, 6):  # five mornings of 3 h 30 of pré-formation, all attended
        mark(
            instructor,
            lesson(instructor, [one], days_ago=day + 20, kind="pre_training", minutes=210),
            one,
        )
    services.exam_record(
        by=instructor, enrolment=one, kind="theory", exam_date=timezone.localdate(), passed=True
    )
    state = selectors.state_of(one)
    assert state.attendance_rate == Fraction(5, 7)
    assert state.pre_training.attendance_rate == 1
    assert state.practical_gate.blocking == ("attendance_below_threshold",)
    body = api(adviser).get(f"{BASE}/enrolments/{one.pk}").json()
    assert body["attendance_rate"] == round(5 / 7, 4)
    assert body["attended_hours"] == 10 and body["counted_hours"] == 14
    assert body["pre_training"] == {
        "required_hours": 0.0,
        "attended_hours": 17.5,
        "attendance_rate": 1.0,
        "completed": True,
    }
    assert body["practical_funding"] == {
        "released": False,
        "blocking": ["attendance_below_threshold"],
    }


@pytest.mark.django_db
def test_group_2_completes_the_pre_training_before_tranche_1_opens(
    api, adviser, instructor, prescriber_org
):
    one = enrol(prescriber_org, adviser, signed=True, pre_training_hours=Decimal("17.5"))
    one.refresh_from_db()
    theory = FundingTranche.objects.get(enrolment=one, kind="theory")
    assert theory.status == "pending"
    assert selectors.state_of(one).gates["theory"].blocking == ("pre_training_not_completed",)
    for day in range(1, 5):  # four mornings of five: 14 h of 17 h 30
        mark(
            instructor,
            lesson(instructor, [one], days_ago=day, kind="pre_training", minutes=210),
            one,
        )
    theory.refresh_from_db()
    assert theory.status == "pending"
    body = api(adviser).get(f"{BASE}/enrolments/{one.pk}").json()
    assert body["pre_training"]["completed"] is False
    assert body["theory_funding"]["blocking"] == ["pre_training_not_completed"]
    mark(instructor, lesson(instructor, [one], days_ago=5, kind="pre_training", minutes=210), one)
    theory.refresh_from_db()
    assert theory.status == "released"
    assert api(adviser).get(f"{BASE}/enrolments/{one.pk}").json()["pre_training"] == {
        "required_hours": 17.5,
        "attended_hours": 17.5,
        "attendance_rate": 1.0,
        "completed": True,
    }


@pytest.mark.django_db
def test_a_group_2_enrolment_takes_the_suggested_pre_training_hours(
    api, adviser, prescriber_org, monkeypatch
):
    monkeypatch.setattr("drivingschool.selectors.orientation_group_for", lambda pathway: 2)
    pathway = open_pathway(prescriber_org, adviser)
    response = api(adviser).post(
        f"{BASE}/enrolments", {"pathway_id": pathway.pk, "start_date": str(timezone.localdate())}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["pre_training"]["required_hours"] == 17.5
    assert body["pre_training"]["completed"] is False
    assert body["quote_total"] == "420.00"  # the pré-formation is not in the quote
    assert body["theory_funding"]["blocking"] == [
        "agreement_not_signed",
        "pre_training_not_completed",
    ]
