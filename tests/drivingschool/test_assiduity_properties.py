"""Properties of the assiduity rules, over any history of lessons (hypothesis)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from drivingschool import assiduity
from drivingschool.assiduity import LessonRecord

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
STATUSES = ["present", "late", "excused", "unexcused", None]


@st.composite
def records(draw):
    status = draw(st.sampled_from(STATUSES))
    return LessonRecord(
        start=NOW + timedelta(hours=draw(st.integers(-2000, 200))),
        duration_minutes=draw(st.integers(1, 600)),
        status=status,
        late_minutes=draw(st.integers(1, 120)) if status == "late" else None,
        cancelled=draw(st.booleans()),
    )


histories = st.lists(records(), max_size=30)
excused_policy = st.booleans()
rates = st.one_of(st.none(), st.fractions(min_value=0, max_value=1))
thresholds = st.decimals(min_value=0, max_value=1, places=2)


def held(status, minutes):
    return LessonRecord(
        start=NOW - timedelta(hours=1),
        duration_minutes=minutes,
        status=status,
        late_minutes=5 if status == "late" else None,
    )


@given(histories, excused_policy)
def test_the_rate_is_undefined_or_between_0_and_1(history, policy):
    rate = assiduity.attendance_rate(history, now=NOW, excused_count_as_held=policy)
    assert rate is None or 0 <= rate <= 1


@given(histories, excused_policy, st.integers(1, 600), st.sampled_from(["present", "late"]))
def test_attending_one_more_lesson_never_lowers_the_rate(history, policy, minutes, status):
    before = assiduity.attendance_rate(history, now=NOW, excused_count_as_held=policy)
    after = assiduity.attendance_rate(
        [*history, held(status, minutes)], now=NOW, excused_count_as_held=policy
    )
    assert after is not None
    assert before is None or after >= before


@given(histories, excused_policy, st.integers(1, 600))
def test_an_unexcused_absence_never_raises_the_rate(history, policy, minutes):
    before = assiduity.attendance_rate(history, now=NOW, excused_count_as_held=policy)
    after = assiduity.attendance_rate(
        [*history, held("unexcused", minutes)], now=NOW, excused_count_as_held=policy
    )
    assert after is not None
    assert before is None or after <= before


@given(histories, st.integers(1, 600))
def test_future_lessons_never_change_anything(history, minutes):
    upcoming = LessonRecord(start=NOW + timedelta(days=1), duration_minutes=minutes, status=None)
    before = assiduity.assess(history, now=NOW)
    after = assiduity.assess([*history, upcoming], now=NOW)
    assert after.attendance_rate == before.attendance_rate
    assert after.unexcused_absences == before.unexcused_absences


@given(histories)
def test_the_unexcused_count_is_the_unexcused_lessons_held(history):
    expected = sum(
        1 for r in history if r.status == "unexcused" and not r.cancelled and r.start <= NOW
    )
    assert assiduity.unexcused_absences(history, now=NOW) == expected


@given(st.booleans(), rates, thresholds, st.booleans())
def test_the_gate_opens_iff_nothing_blocks(theory_passed, rate, threshold, excluded):
    gate = assiduity.practical_gate(
        theory_passed=theory_passed, attendance_rate=rate, threshold=threshold, excluded=excluded
    )
    meets = rate is not None and rate >= Fraction(threshold)
    assert gate.open == (theory_passed and meets and not excluded)
    assert gate.open == (gate.blocking == ())
    assert ("theory_not_passed" in gate.blocking) == (not theory_passed)
    assert ("attendance_below_threshold" in gate.blocking) == (not meets)
    assert ("excluded" in gate.blocking) == excluded


@given(thresholds)
def test_each_condition_alone_blocks(threshold):
    good = {"theory_passed": True, "attendance_rate": Fraction(1), "excluded": False}
    assert assiduity.practical_gate(threshold=threshold, **good).open
    for name, bad, code in [
        ("theory_passed", False, "theory_not_passed"),
        ("excluded", True, "excluded"),
        ("attendance_rate", None, "attendance_below_threshold"),
    ]:
        gate = assiduity.practical_gate(threshold=threshold, **{**good, name: bad})
        assert gate.blocking == (code,)
    if threshold > 0:
        below = Fraction(threshold) - Fraction(1, 1000)
        gate = assiduity.practical_gate(
            threshold=threshold, **{**good, "attendance_rate": max(below, Fraction(0))}
        )
        assert gate.blocking == ("attendance_below_threshold",)


@given(
    st.decimals(min_value=0, max_value=500, places=2),
    st.decimals(min_value=0, max_value=500, places=2),
    st.decimals(min_value=0, max_value=1000, places=2),
)
def test_the_quote_is_exact_to_the_cent_and_never_negative(theory, driving, rate):
    amounts = assiduity.quote(theory_hours=theory, driving_hours=driving, hourly_rate=rate)
    assert amounts.total >= 0
    assert amounts.total.as_tuple().exponent == -2
    assert abs(amounts.total - (theory + driving) * rate) <= Decimal("0.01")


# ---- pass rates: per person and per sitting

sittings = st.lists(st.tuples(st.integers(1, 8), st.booleans()), max_size=30)


@given(sittings)
def test_the_two_pass_rates_count_what_they_say(attempts):
    result = assiduity.pass_rate(attempts, departmental_average=None)
    assert result.sittings == len(attempts)
    assert result.sittings_passed == sum(passed for _, passed in attempts)
    assert result.presented == len({person for person, _ in attempts})
    assert result.passed == len({person for person, passed in attempts if passed})
    assert result.passed <= result.presented <= result.sittings
    assert result.sittings_passed >= result.passed  # at least one passed sitting per success


@given(sittings)
def test_a_person_who_fails_then_passes_counts_once_per_person_twice_per_sitting(attempts):
    before = assiduity.pass_rate(attempts, departmental_average=None)
    after = assiduity.pass_rate([*attempts, (99, False), (99, True)], departmental_average=None)
    assert (after.presented, after.passed) == (before.presented + 1, before.passed + 1)
    assert (after.sittings, after.sittings_passed) == (
        before.sittings + 2,
        before.sittings_passed + 1,
    )


@given(sittings, st.decimals(min_value=0, max_value=1, places=3))
def test_the_department_is_compared_per_sitting(attempts, average):
    result = assiduity.pass_rate(attempts, departmental_average=average)
    if not attempts:
        assert result.difference is None
    else:
        assert result.difference == result.sitting_rate - Fraction(average)
