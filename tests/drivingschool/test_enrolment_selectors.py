"""Reads of the auto-école sociale, from drivingschool.selectors: the first lesson day that
bounds an exam's date, the pass rates on the home page, an excluded person's state. Written
so that the realistic bugs mutation testing plants fail (issue 16)."""

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from diagnostics.enums import DiagnosticKind, DiagnosticStatus
from diagnostics.models import Diagnostic, Questionnaire
from drivingschool import assiduity, selectors, services
from drivingschool.models import Enrolment, Programme
from tests.drivingschool.conftest import enrol, lesson, mark


def test_the_first_lesson_day_is_the_earliest_lesson_already_started(instructor, enrolment):
    now = timezone.now()
    assert selectors.first_lesson_day(enrolment, now=now) is None
    lesson(instructor, [enrolment], days_ago=2)
    earliest = lesson(instructor, [enrolment], days_ago=5)
    # A cancelled lesson, even earlier, was never held.
    cancelled = lesson(instructor, [enrolment], days_ago=9)
    services.lesson_cancel(by=instructor, lesson=cancelled, reason="Moniteur malade")
    assert selectors.first_lesson_day(enrolment, now=now) == timezone.localdate(earliest.start)


def test_a_lesson_counts_from_the_minute_it_starts(instructor, enrolment):
    coming = lesson(instructor, [enrolment], days_ago=-2)
    assert selectors.first_lesson_day(enrolment, now=coming.start - timedelta(seconds=1)) is None
    assert selectors.first_lesson_day(enrolment, now=coming.start) == timezone.localdate(
        coming.start
    )


def test_pass_rates_count_people_and_sittings_per_exam(instructor, adviser, prescriber_org):
    first = enrol(prescriber_org, adviser)
    second = enrol(prescriber_org, adviser)
    lesson(instructor, [first, second], days_ago=10)
    today = timezone.localdate()
    for enrolment, day, passed in [
        (first, 6, False),
        (first, 3, True),
        (second, 4, False),
        (second, 2, False),
    ]:
        services.exam_record(
            by=instructor,
            enrolment=enrolment,
            kind="theory",
            exam_date=today - timedelta(days=day),
            passed=passed,
        )
    Programme.objects.filter(pk=first.programme_id).update(
        theory_departmental_pass_rate=Decimal("0.580"), driving_departmental_pass_rate=None
    )
    programme = Programme.objects.get(pk=first.programme_id)

    rates = selectors.pass_rates(first.platform_id, programme)

    assert rates == {
        "theory": assiduity.PassRate(
            presented=2,
            passed=1,
            departmental_average=Decimal("0.580"),
            sittings=4,
            sittings_passed=1,
        ),
        "driving": assiduity.PassRate(
            presented=0, passed=0, departmental_average=None, sittings=0, sittings_passed=0
        ),
    }
    assert selectors.pass_rates(first.platform_id + 1000, programme)["theory"].sittings == 0


def test_an_excluded_person_is_no_longer_proposed_for_exclusion(instructor, adviser, enrolment):
    for days_ago in (4, 3, 2):
        mark(instructor, lesson(instructor, [enrolment], days_ago=days_ago), enrolment, "unexcused")
    state = selectors.state_of(enrolment)
    assert (state.exclusion_proposed, state.excluded) == (True, False)
    excluded = services.enrolment_exclude(by=adviser, enrolment=enrolment, reason="Absences.")
    state = selectors.state_of(excluded)
    assert (state.exclusion_proposed, state.excluded) == (False, True)
    assert state.assiduity.unexcused_absences == 3
    assert "excluded" in state.gates["theory"].blocking


def test_an_enrolments_state_reads_every_lesson_and_exam(instructor, adviser, enrolment):
    today = timezone.localdate()
    mark(instructor, lesson(instructor, [enrolment], days_ago=6), enrolment, "present")
    late = lesson(instructor, [enrolment], days_ago=5)
    mark(instructor, late, enrolment, "late", late_minutes=15)
    excused = lesson(instructor, [enrolment], days_ago=4)
    mark(instructor, excused, enrolment, "excused", reason="Rendez-vous médical")
    lesson(instructor, [enrolment], days_ago=3)  # not marked yet
    cancelled = lesson(instructor, [enrolment], days_ago=2)
    services.lesson_cancel(by=instructor, lesson=cancelled, reason="Moniteur malade")
    lesson(instructor, [enrolment], days_ago=-2)
    for day, kind, passed in [(2, "theory", False), (1, "theory", True), (0, "driving", True)]:
        services.exam_record(
            by=instructor,
            enrolment=enrolment,
            kind=kind,
            exam_date=today - timedelta(days=day),
            passed=passed,
        )
    Programme.objects.filter(pk=enrolment.programme_id).update(excused_count_as_held=True)

    state = selectors.state_of(Enrolment.objects.select_related("programme").get(pk=enrolment.pk))

    # Two lessons of 2 hours attended, the excused one counted as held (the programme says so).
    assert state.assiduity == assiduity.Assiduity(
        attendance_rate=Fraction(2, 3),
        attended_minutes=240,
        counted_minutes=360,
        late_count=1,
        late_minutes=15,
        excused_absences=1,
        unexcused_absences=0,
        unrecorded_lessons=1,
        upcoming_lessons=1,
    )
    assert state.code_stage == state.assiduity  # theory lessons, all of the code stage
    assert (state.theory_passed_on, state.driving_passed_on) == (
        today - timedelta(days=1),
        today,
    )
    assert not state.exclusion_proposed

    Programme.objects.filter(pk=enrolment.programme_id).update(excused_count_as_held=False)
    state = selectors.state_of(Enrolment.objects.select_related("programme").get(pk=enrolment.pk))
    assert (state.assiduity.attendance_rate, state.code_stage.attendance_rate) == (1, 1)

    # As it stood five and a half days ago: one lesson attended, the others to come.
    earlier = selectors.state_of(enrolment, now=timezone.now() - timedelta(days=5, hours=12))
    assert (earlier.assiduity.attended_minutes, earlier.assiduity.upcoming_lessons) == (120, 4)
    assert earlier.theory_passed_on == today - timedelta(days=1)  # exams are not dated here


def test_a_failed_exam_is_not_a_pass(instructor, enrolment):
    lesson(instructor, [enrolment], days_ago=3)
    services.exam_record(
        by=instructor,
        enrolment=enrolment,
        kind="theory",
        exam_date=timezone.localdate(),
        passed=False,
    )
    state = selectors.state_of(enrolment)
    assert (state.theory_passed, state.theory_passed_on) == (False, None)


def test_the_suggested_hours_follow_the_latest_diagnostic_with_a_group(
    adviser, prescriber_org, enrolment
):
    pathway = enrolment.pathway
    assert selectors.orientation_group_for(pathway) is None
    today = timezone.localdate()

    def diagnostic(pathway, kind, days_ago, group):
        # Stored results as the diagnostics app leaves them once completed: the driving
        # school reads only the group and the date.
        return Diagnostic.objects.create(
            platform_id=pathway.platform_id,
            pathway=pathway,
            kind=kind,
            status=DiagnosticStatus.COMPLETED,
            questionnaire=Questionnaire.objects.current(),
            taken_on=today - timedelta(days=days_ago),
            mobility_potential=50,
            orientation_group=group,
            adviser=adviser,
            completed_at=timezone.now(),
        )

    # Recorded after the exit one, but taken before it.
    diagnostic(pathway, DiagnosticKind.EXIT, 2, 2)
    diagnostic(pathway, DiagnosticKind.ENTRY, 30, 1)
    diagnostic(pathway, DiagnosticKind.FOLLOW_UP, 1, None)  # a licence holder's: no group
    diagnostic(enrol(prescriber_org, adviser).pathway, DiagnosticKind.ENTRY, 0, 3)

    assert selectors.orientation_group_for(pathway) == 2
