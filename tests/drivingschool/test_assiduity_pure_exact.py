"""The auto-école's pure rules pinned exactly: the French sentences of the attendance sheet,
the lesson planner and the exam record, their boundaries (a lesson a year away, 600 minutes,
a late of 1 minute), the quote's reasons and the counts behind an assiduity. Written so that
the realistic bugs mutation testing plants fail (issue 16)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivingschool import assiduity
from drivingschool.assiduity import LessonRecord

D = Decimal
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)

# ---- quote and suggested hours


@pytest.mark.parametrize(
    ("theory", "driving", "rate"), [("-1", "0", "6"), ("0", "-0.5", "6"), ("0", "0", "-0.01")]
)
def test_a_negative_quote_input_is_refused_with_its_reason(theory, driving, rate):
    with pytest.raises(ValueError) as refused:
        assiduity.quote(theory_hours=D(theory), driving_hours=D(driving), hourly_rate=D(rate))
    assert str(refused.value) == "Hours and rate cannot be negative."


def test_a_quote_of_zero_hours_is_zero():
    quote = assiduity.quote(theory_hours=D(0), driving_hours=D(0), hourly_rate=D("6"))
    assert (quote.theory_amount, quote.practical_amount, quote.total) == (D(0), D(0), D(0))


def test_suggested_hours_read_each_column_of_the_programme_table():
    table = {"1": {"theory": "12.5", "driving": 30, "pre_training": 4}, "2": {}}
    assert assiduity.suggested_hours(1, table) == assiduity.SuggestedHours(
        theory=D("12.5"), driving=D("30"), pre_training=D("4")
    )
    # An empty row suggests nothing; a row missing columns suggests 0 hours for them.
    assert assiduity.suggested_hours(2, table) is None
    assert assiduity.suggested_hours(1, {"1": {"driving": 20}}) == assiduity.SuggestedHours(
        theory=D(0), driving=D(20), pre_training=D(0)
    )


# ---- lesson planning

WINDOW_MESSAGE = (
    "Une séance se programme au plus un an avant ou après aujourd'hui "
    "(du 09/03/2025 au 11/03/2027)."
)
DURATION_MESSAGE = "La durée est comprise entre 1 et 600 minutes."


@pytest.mark.parametrize(
    ("day", "minutes", "expected"),
    [
        (date(2025, 3, 9), 60, {}),
        (date(2027, 3, 11), 60, {}),
        (date(2025, 3, 8), 60, {"start": WINDOW_MESSAGE}),
        (date(2027, 3, 12), 60, {"start": WINDOW_MESSAGE}),
        (TODAY, 1, {}),
        (TODAY, 600, {}),
        (TODAY, 0, {"duration_minutes": DURATION_MESSAGE}),
        (TODAY, 601, {"duration_minutes": DURATION_MESSAGE}),
        (date(9999, 12, 31), -5, {"start": WINDOW_MESSAGE, "duration_minutes": DURATION_MESSAGE}),
    ],
)
def test_a_lesson_is_planned_within_a_year_for_1_to_600_minutes(day, minutes, expected):
    start = datetime(day.year, day.month, day.day, 23, 30, tzinfo=UTC)
    assert assiduity.lesson_problems(start=start, duration_minutes=minutes, today=TODAY) == expected


# ---- assiduity counts


def record(status, minutes=60, hours_ago=24, late_minutes=None, cancelled=False):
    return LessonRecord(
        start=NOW - timedelta(hours=hours_ago),
        duration_minutes=minutes,
        status=status,
        late_minutes=late_minutes,
        cancelled=cancelled,
    )


def test_an_assiduity_counts_each_kind_of_lesson_in_its_column():
    records = [
        record("present", 60),
        record("late", 90, late_minutes=10),
        record("late", 30, late_minutes=None),
        record("excused", 120),
        record("unexcused", 45),
        record("unexcused", 15),
        record(None, 60),
        record("present", 60, cancelled=True),
        record(None, 60, hours_ago=-1),
        record(None, 60, hours_ago=-2, cancelled=True),
    ]
    assert assiduity.assess(records, now=NOW) == assiduity.Assiduity(
        attendance_rate=Fraction(180, 360),
        attended_minutes=180,
        counted_minutes=360,
        late_count=2,
        late_minutes=10,
        excused_absences=1,
        unexcused_absences=2,
        unrecorded_lessons=1,
        upcoming_lessons=1,
    )
    without_excused = assiduity.assess(records, now=NOW, excused_count_as_held=False)
    assert without_excused.counted_minutes == 240
    assert without_excused.attendance_rate == Fraction(3, 4)
    assert without_excused.excused_absences == 1
    assert assiduity.unexcused_absences(records, now=NOW) == 2
    assert assiduity.attendance_rate(records, now=NOW, excused_count_as_held=False) == Fraction(
        3, 4
    )


def test_an_unknown_status_names_itself():
    with pytest.raises(ValueError) as refused:
        assiduity.assess([record("sick")], now=NOW)
    assert str(refused.value) == "Unknown attendance status 'sick'"


def test_a_lesson_counts_from_its_start_once_marked_and_not_cancelled():
    assert assiduity.counted(record("present", hours_ago=0), now=NOW)
    assert not assiduity.counted(record("present", hours_ago=-1), now=NOW)
    assert not assiduity.counted(record(None), now=NOW)
    assert not assiduity.counted(record("present", cancelled=True), now=NOW)
    assert record("present", 90, hours_ago=0).end == NOW + timedelta(minutes=90)


# ---- exclusion


@pytest.mark.parametrize("threshold", [0, -1])
def test_an_exclusion_threshold_below_one_is_refused_with_its_reason(threshold):
    with pytest.raises(ValueError) as refused:
        assiduity.exclusion_proposed(unexcused_absences=5, threshold=threshold)
    assert str(refused.value) == "The exclusion threshold is at least 1."


@given(absences=st.integers(0, 50), threshold=st.integers(1, 50))
def test_exclusion_is_proposed_from_the_threshold_on(absences, threshold):
    assert assiduity.exclusion_proposed(unexcused_absences=absences, threshold=threshold) is (
        absences >= threshold
    )


# ---- the attendance sheet, row by row

UNKNOWN = "Statut inconnu : present, late, excused ou unexcused."
LATE_NEEDED = "Indiquez le retard en minutes (au moins 1)."
LATE_ONLY = "Des minutes de retard n'ont de sens que pour un retard."
REASON = "Une absence justifiée demande son motif."


@pytest.mark.parametrize(
    ("status", "late_minutes", "reason", "expected"),
    [
        ("present", None, "", {}),
        ("present", 0, "", {}),
        ("present", 5, "", {"late_minutes": LATE_ONLY}),
        ("late", 1, "", {}),
        ("late", 0, "", {"late_minutes": LATE_NEEDED}),
        ("late", -3, "", {"late_minutes": LATE_NEEDED}),
        ("late", None, "", {"late_minutes": LATE_NEEDED}),
        ("excused", None, "rendez-vous France Travail", {}),
        ("excused", None, "   ", {"reason": REASON}),
        ("excused", 10, "", {"late_minutes": LATE_ONLY, "reason": REASON}),
        ("unexcused", None, "", {}),
        ("unexcused", 10, "", {"late_minutes": LATE_ONLY}),
        ("absent", 10, "", {"status": UNKNOWN}),
        ("", None, "", {"status": UNKNOWN}),
    ],
)
def test_each_attendance_row_exactly(status, late_minutes, reason, expected):
    assert (
        assiduity.attendance_row_problems(status=status, late_minutes=late_minutes, reason=reason)
        == expected
    )


# ---- tranches


def test_an_unknown_tranche_status_allows_no_transition():
    assert not assiduity.can_transition("cancelled", "released")
    assert not assiduity.can_transition("", "pending")
    assert assiduity.can_transition("released", "pending")


def test_a_tranche_is_released_by_its_gate_or_by_its_status():
    open_, shut = assiduity.Gate(blocking=()), assiduity.Gate(blocking=("excluded",))
    assert assiduity.funding_released(tranche_status=None, gate=open_)
    assert assiduity.funding_released(tranche_status="pending", gate=open_)
    assert not assiduity.funding_released(tranche_status="pending", gate=shut)
    assert not assiduity.funding_released(tranche_status=None, gate=shut)
    assert assiduity.funding_released(tranche_status="released", gate=shut)
    assert assiduity.funding_released(tranche_status="paid", gate=shut)


def test_the_theory_tranche_ignores_the_practical_conditions_and_the_other_way_round():
    theory = assiduity.tranche_gate(
        "theory",
        agreement_signed=False,
        theory_passed=False,
        attendance_rate=None,
        threshold=D("0.8"),
        excluded=True,
    )
    assert theory.blocking == ("agreement_not_signed", "excluded")
    practical = assiduity.tranche_gate(
        "practical",
        agreement_signed=False,
        theory_passed=True,
        attendance_rate=Fraction(4, 5),
        threshold=D("0.8"),
        excluded=False,
    )
    assert practical.open
    below = assiduity.tranche_gate(
        "practical",
        agreement_signed=True,
        theory_passed=True,
        attendance_rate=Fraction(79, 100),
        threshold=D("0.8"),
        excluded=True,
    )
    assert below.blocking == ("attendance_below_threshold", "excluded")


# ---- exams

FUTURE_EXAM = "Un examen se note une fois passé : la date ne peut pas être future."
BEFORE_TRAINING = (
    "Aucune séance n'a eu lieu avant cette date : un examen ne peut pas précéder la formation."
)
ALREADY = "Cet examen est déjà réussi."
CODE_FIRST = "L'examen de conduite demande d'avoir réussi le code avant."


def exam(**overrides):
    facts = {
        "kind": "theory",
        "exam_date": TODAY,
        "today": TODAY,
        "first_lesson_day": date(2026, 1, 5),
        "theory_passed_on": None,
        "already_passed": False,
        **overrides,
    }
    return assiduity.exam_problems(**facts)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, {}),
        ({"exam_date": TODAY + timedelta(days=1)}, {"date": FUTURE_EXAM}),
        ({"exam_date": TODAY + timedelta(days=1), "first_lesson_day": None}, {"date": FUTURE_EXAM}),
        ({"first_lesson_day": None}, {"date": BEFORE_TRAINING}),
        ({"exam_date": date(2026, 1, 4)}, {"date": BEFORE_TRAINING}),
        ({"exam_date": date(2026, 1, 5)}, {}),
        ({"already_passed": True}, {"kind": ALREADY}),
        ({"kind": "driving", "already_passed": True}, {"kind": ALREADY}),
        ({"kind": "driving"}, {"kind": CODE_FIRST}),
        ({"kind": "driving", "theory_passed_on": TODAY + timedelta(days=1)}, {"kind": CODE_FIRST}),
        ({"kind": "driving", "theory_passed_on": TODAY}, {}),
        (
            {"kind": "driving", "first_lesson_day": None, "theory_passed_on": None},
            {"date": BEFORE_TRAINING, "kind": CODE_FIRST},
        ),
    ],
)
def test_each_exam_problem_exactly(overrides, expected):
    assert exam(**overrides) == expected


def test_a_pass_rate_against_the_department_exactly():
    rate = assiduity.pass_rate(
        [(1, False), (1, True), (2, False), (3, True), (3, True)], departmental_average=D("0.58")
    )
    assert (rate.presented, rate.passed) == (3, 2)
    assert rate.rate == Fraction(2, 3)
    # The department publishes a rate per sitting: 3 passed of 5 sittings, not 2 of 3 people.
    assert (rate.sittings, rate.sittings_passed) == (5, 3)
    assert rate.difference == Fraction(3, 5) - Fraction(58, 100)
    assert assiduity.pass_rate([], departmental_average=D("0.5")).difference is None
    assert assiduity.pass_rate([(1, True)], departmental_average=None).difference is None


def test_a_row_without_driving_hours_suggests_none():
    assert assiduity.suggested_hours(1, {"1": {"theory": 5}}) == assiduity.SuggestedHours(
        theory=D(5), driving=D(0), pre_training=D(0)
    )


def test_several_lessons_of_a_kind_are_all_counted():
    records = [
        record("excused"),
        record("excused"),
        record(None),
        record(None),
        record(None, hours_ago=-1),
        record(None, hours_ago=-3),
    ]
    counts = assiduity.assess(records, now=NOW)
    assert (counts.excused_absences, counts.unrecorded_lessons, counts.upcoming_lessons) == (
        2,
        2,
        2,
    )
