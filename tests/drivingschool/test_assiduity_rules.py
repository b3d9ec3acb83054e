"""The pure rules: quote, attendance rate, exclusion, gates, exams, pass rates (examples)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from drivingschool import assiduity
from drivingschool.assiduity import LessonRecord

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def held(status, minutes=60, days_ago=1, late_minutes=None, cancelled=False):
    return LessonRecord(
        start=NOW - timedelta(days=days_ago),
        duration_minutes=minutes,
        status=status,
        late_minutes=late_minutes,
        cancelled=cancelled,
    )


def future(minutes=60):
    return LessonRecord(start=NOW + timedelta(hours=1), duration_minutes=minutes)


# ---- quote


def test_the_quote_is_hours_times_the_hourly_rate_per_tranche():
    amounts = assiduity.quote(
        theory_hours=Decimal("20"), driving_hours=Decimal("30"), hourly_rate=Decimal("6.00")
    )
    assert amounts.theory_amount == Decimal("120.00")
    assert amounts.practical_amount == Decimal("180.00")
    assert amounts.total == Decimal("300.00")


def test_the_quote_rounds_half_up_to_the_cent():
    amounts = assiduity.quote(
        theory_hours=Decimal("17.5"), driving_hours=Decimal("0.25"), hourly_rate=Decimal("6.13")
    )
    assert amounts.theory_amount == Decimal("107.28")  # 107.275
    assert amounts.practical_amount == Decimal("1.53")  # 1.5325
    assert str(amounts.total) == "108.81"


def test_a_negative_quote_input_is_refused():
    with pytest.raises(ValueError):
        assiduity.quote(
            theory_hours=Decimal("-1"), driving_hours=Decimal("1"), hourly_rate=Decimal("6")
        )


TABLE = {
    "1": {"theory": 20, "driving": 30},
    "2": {"theory": 30, "driving": 40, "pre_training": 17.5},
}


def test_hours_are_suggested_from_the_orientation_group():
    assert assiduity.suggested_hours(2, TABLE) == assiduity.SuggestedHours(
        theory=Decimal("30"), driving=Decimal("40"), pre_training=Decimal("17.5")
    )
    assert assiduity.suggested_hours(1, TABLE).pre_training == 0
    assert assiduity.suggested_hours(None, TABLE) is None
    assert assiduity.suggested_hours(3, TABLE) is None


def test_group_3_is_not_engaged_in_the_licence_and_no_diagnostic_is_no_obstacle():
    assert assiduity.engagement_refused(3, TABLE)
    assert not assiduity.engagement_refused(1, TABLE)
    assert not assiduity.engagement_refused(None, TABLE)


# ---- attendance rate


def test_present_and_late_count_as_attended_and_the_late_minutes_are_kept():
    result = assiduity.assess(
        [held("present"), held("late", late_minutes=15), held("unexcused")], now=NOW
    )
    assert result.attendance_rate == Fraction(2, 3)
    assert result.late_count == 1
    assert result.late_minutes == 15
    assert result.unexcused_absences == 1


def test_the_rate_weighs_hours_not_lessons():
    result = assiduity.assess([held("present", minutes=180), held("unexcused", 60)], now=NOW)
    assert result.attendance_rate == Fraction(3, 4)
    assert result.attended_minutes == 180
    assert result.counted_minutes == 240


def test_future_lessons_do_not_count():
    assert assiduity.attendance_rate([held("present"), future(), future()], now=NOW) == 1


def test_a_lesson_starting_exactly_now_counts_once_marked():
    record = LessonRecord(start=NOW, duration_minutes=60, status="unexcused")
    assert assiduity.attendance_rate([record], now=NOW) == 0


def test_an_unfilled_sheet_counts_neither_way():
    result = assiduity.assess([held("present"), held(None)], now=NOW)
    assert result.attendance_rate == 1
    assert result.unrecorded_lessons == 1


def test_cancelled_lessons_do_not_count():
    result = assiduity.assess([held("present"), held("unexcused", cancelled=True)], now=NOW)
    assert result.attendance_rate == 1
    assert result.unexcused_absences == 0


def test_an_excused_absence_lowers_the_rate_by_default_but_not_if_the_programme_says_so():
    records = [held("present"), held("excused")]
    assert assiduity.attendance_rate(records, now=NOW) == Fraction(1, 2)
    assert assiduity.attendance_rate(records, now=NOW, excused_count_as_held=False) == 1
    assert assiduity.assess(records, now=NOW).excused_absences == 1


def test_with_nothing_held_the_rate_is_undefined():
    assert assiduity.attendance_rate([], now=NOW) is None
    assert assiduity.attendance_rate([future(), held(None)], now=NOW) is None
    only_excused = [held("excused")]
    assert assiduity.attendance_rate(only_excused, now=NOW, excused_count_as_held=False) is None


def test_an_unknown_status_is_an_error():
    with pytest.raises(ValueError):
        assiduity.assess([held("asleep")], now=NOW)


# ---- exclusion


@pytest.mark.parametrize(
    ("absences", "threshold", "proposed"),
    [(0, 3, False), (2, 3, False), (3, 3, True), (4, 3, True), (1, 1, True), (0, 1, False)],
)
def test_exclusion_is_proposed_at_the_programme_threshold(absences, threshold, proposed):
    assert (
        assiduity.exclusion_proposed(unexcused_absences=absences, threshold=threshold) is proposed
    )


def test_an_exclusion_threshold_below_one_is_an_error():
    with pytest.raises(ValueError):
        assiduity.exclusion_proposed(unexcused_absences=0, threshold=0)


# ---- attendance rows


@pytest.mark.parametrize(
    ("status", "late_minutes", "reason", "fields"),
    [
        ("present", None, "", set()),
        ("late", 10, "", set()),
        ("late", None, "", {"late_minutes"}),
        ("late", 0, "", {"late_minutes"}),
        ("present", 5, "", {"late_minutes"}),
        ("excused", None, "Rendez-vous médical", set()),
        ("excused", None, "   ", {"reason"}),
        ("unexcused", None, "", set()),
        ("asleep", None, "", {"status"}),
    ],
)
def test_each_attendance_row_is_checked(status, late_minutes, reason, fields):
    problems = assiduity.attendance_row_problems(
        status=status, late_minutes=late_minutes, reason=reason
    )
    assert set(problems) == fields


# ---- gates

T = Decimal("0.80")


def test_the_practical_gate_opens_when_all_three_conditions_hold():
    gate = assiduity.practical_gate(
        theory_passed=True, attendance_rate=Fraction(4, 5), threshold=T, excluded=False
    )
    assert gate.open
    assert gate.blocking == ()


@pytest.mark.parametrize(
    ("theory_passed", "rate", "excluded", "blocking"),
    [
        (False, Fraction(1), False, ("theory_not_passed",)),
        (True, Fraction(79, 100), False, ("attendance_below_threshold",)),
        (True, None, False, ("attendance_below_threshold",)),
        (True, Fraction(1), True, ("excluded",)),
        (
            False,
            Fraction(0),
            True,
            ("theory_not_passed", "attendance_below_threshold", "excluded"),
        ),
    ],
)
def test_the_practical_gate_names_each_blocking_condition(theory_passed, rate, excluded, blocking):
    gate = assiduity.practical_gate(
        theory_passed=theory_passed, attendance_rate=rate, threshold=T, excluded=excluded
    )
    assert gate.blocking == blocking
    assert not gate.open


def test_the_threshold_is_data():
    rate = Fraction(7, 10)
    assert not assiduity.practical_gate(
        theory_passed=True, attendance_rate=rate, threshold=T, excluded=False
    ).open
    assert assiduity.practical_gate(
        theory_passed=True, attendance_rate=rate, threshold=Decimal("0.70"), excluded=False
    ).open


def test_the_theory_gate_needs_the_signed_agreement_and_no_exclusion():
    assert assiduity.theory_gate(agreement_signed=True, excluded=False).open
    assert assiduity.theory_gate(agreement_signed=False, excluded=True).blocking == (
        "agreement_not_signed",
        "excluded",
    )


def test_tranche_gate_dispatches_on_the_kind():
    facts = {
        "agreement_signed": True,
        "theory_passed": False,
        "attendance_rate": None,
        "threshold": T,
        "excluded": False,
    }
    assert assiduity.tranche_gate("theory", **facts).open
    assert assiduity.tranche_gate("practical", **facts).blocking == (
        "theory_not_passed",
        "attendance_below_threshold",
    )


OPEN = assiduity.Gate(blocking=())
SHUT = assiduity.Gate(blocking=("excluded",))


@pytest.mark.parametrize(
    ("current", "gate", "overridden", "target"),
    [
        ("pending", OPEN, False, "released"),
        ("pending", SHUT, False, "pending"),
        ("released", SHUT, False, "pending"),
        ("released", SHUT, True, "released"),
        ("released", OPEN, False, "released"),
        ("paid", SHUT, False, "paid"),
    ],
)
def test_a_tranche_follows_its_gate_until_paid(current, gate, overridden, target):
    assert (
        assiduity.synced_tranche_status(current=current, gate=gate, overridden=overridden) == target
    )


def test_the_tranche_lifecycle_table():
    assert assiduity.can_transition("pending", "released")
    assert assiduity.can_transition("released", "paid")
    assert not assiduity.can_transition("pending", "paid")
    assert not assiduity.can_transition("paid", "pending")
    assert not assiduity.can_transition("paid", "released")


# ---- exams

TODAY = date(2026, 3, 10)


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


def test_a_theory_exam_after_lessons_is_fine():
    assert exam() == {}


def test_an_exam_before_any_lesson_is_refused():
    assert "date" in exam(first_lesson_day=None)
    assert "date" in exam(exam_date=date(2026, 1, 4))
    assert exam(exam_date=date(2026, 1, 5)) == {}


def test_an_exam_in_the_future_is_refused():
    assert "date" in exam(exam_date=TODAY + timedelta(days=1))


def test_the_driving_exam_needs_the_theory_passed_before():
    assert "kind" in exam(kind="driving")
    assert "kind" in exam(kind="driving", theory_passed_on=TODAY + timedelta(days=1))
    assert exam(kind="driving", theory_passed_on=date(2026, 2, 1)) == {}


def test_an_exam_already_passed_is_not_recorded_again():
    assert "kind" in exam(already_passed=True)


def test_pass_rates_count_people_and_sittings_and_compare_the_department_per_sitting():
    attempts = [(1, False), (1, True), (2, False), (2, False), (3, True)]
    result = assiduity.pass_rate(attempts, departmental_average=Decimal("0.55"))
    assert (result.presented, result.passed) == (3, 2)
    assert result.rate == Fraction(2, 3)
    assert (result.sittings, result.sittings_passed) == (5, 2)
    assert result.sitting_rate == Fraction(2, 5)
    # The department publishes per sitting: the comparison is 2/5 against 55 %.
    assert result.difference == Fraction(2, 5) - Fraction(55, 100)


def test_a_person_who_fails_then_passes_is_one_of_one_and_one_of_two_sittings():
    result = assiduity.pass_rate([(7, False), (7, True)], departmental_average=None)
    assert result.rate == 1
    assert result.sitting_rate == Fraction(1, 2)


def test_a_pass_rate_without_candidates_or_average_is_undefined():
    assert assiduity.pass_rate([], departmental_average=Decimal("0.5")).rate is None
    assert assiduity.pass_rate([(1, True)], departmental_average=None).difference is None


def test_each_tranche_rounds_to_the_nearest_cent_and_the_quote_is_their_sum():
    # 0.25 h × 6.10 € = 1.525 € → 1.53 €; 0.75 h × 6.10 € = 4.575 € → 4.58 €. The quote is
    # 6.11 €, the sum of the tranches (not 1 h × 6.10 €), so the two payments match it.
    quote = assiduity.quote(
        theory_hours=Decimal("0.25"), driving_hours=Decimal("0.75"), hourly_rate=Decimal("6.10")
    )
    assert (quote.theory_amount, quote.practical_amount) == (Decimal("1.53"), Decimal("4.58"))
    assert quote.total == Decimal("6.11")
