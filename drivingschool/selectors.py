"""Reads of the auto-école sociale: an enrolment's state (assiduity, exams, gates).

The state is computed by the pure rules of drivingschool.assiduity from rows fetched in
a fixed number of queries, whether for one enrolment or a page of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django.apps import apps
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from drivingschool import assiduity
from drivingschool.enums import AttendanceStatus, ExamKind, LessonKind, TrancheKind
from drivingschool.models import (
    Attendance,
    Enrolment,
    ExamAttempt,
    FundingTranche,
    Lesson,
    Programme,
)
from mobility.models import Pathway
from mobility.registry import FundedSession, SheetLine


@dataclass(frozen=True)
class EnrolmentState:
    """`assiduity` counts every lesson (the absences, the exclusion); `code_stage` the
    theory lessons (the tranche-2 gate); `pre_training` and `driving_stage` their own."""

    assiduity: assiduity.Assiduity
    theory_passed_on: date | None
    driving_passed_on: date | None
    exclusion_proposed: bool
    excluded: bool
    gates: dict[str, assiduity.Gate]
    tranche_statuses: dict[str, str] = field(default_factory=dict)
    code_stage: assiduity.Assiduity | None = None
    pre_training: assiduity.Assiduity | None = None
    driving_stage: assiduity.Assiduity | None = None
    pre_training_required_hours: Decimal = Decimal("0")
    pre_training_completed: bool = True

    @property
    def attendance_rate(self):
        """The rate the tranche-2 gate reads: the code stage's lessons only."""
        return self.code_stage.attendance_rate

    @property
    def pre_training_attended_hours(self) -> Decimal:
        return (Decimal(self.pre_training.attended_minutes) / 60).quantize(Decimal("0.01"))

    @property
    def theory_passed(self) -> bool:
        return self.theory_passed_on is not None

    @property
    def driving_passed(self) -> bool:
        return self.driving_passed_on is not None

    @property
    def practical_gate(self) -> assiduity.Gate:
        return self.gates[TrancheKind.PRACTICAL]

    def released(self, kind: str) -> bool:
        """Whether the tranche's funding is released: the one meaning of the page and API."""
        return assiduity.funding_released(
            tranche_status=self.tranche_statuses.get(kind), gate=self.gates[kind]
        )

    @property
    def theory_released(self) -> bool:
        return self.released(TrancheKind.THEORY)

    @property
    def practical_released(self) -> bool:
        return self.released(TrancheKind.PRACTICAL)


def state_from(
    enrolment: Enrolment,
    *,
    programme: Programme,
    lessons: Iterable[Lesson],
    attendances: Iterable[Attendance],
    passed_attempts: Iterable[ExamAttempt],
    now: datetime,
    tranche_statuses: dict[str, str] | None = None,
) -> EnrolmentState:
    """Assemble the state of one enrolment from rows already fetched."""
    by_lesson = {attendance.lesson_id: attendance for attendance in attendances}
    records = [lesson_record(lesson, by_lesson.get(lesson.pk)) for lesson in lessons]
    held = programme.excused_count_as_held
    assessed = assiduity.assess(records, now=now, excused_count_as_held=held)
    stages = {
        name: assiduity.assess(
            assiduity.of_stage(records, stage), now=now, excused_count_as_held=held
        )
        for name, stage in (
            ("code_stage", assiduity.CODE_STAGE),
            ("pre_training", assiduity.PRE_TRAINING_STAGE),
            ("driving_stage", assiduity.DRIVING_STAGE),
        )
    }
    required = Decimal(enrolment.pre_training_hours or 0)
    pre_training_done = assiduity.pre_training_completed(
        attended_minutes=stages["pre_training"].attended_minutes, required_hours=required
    )
    passed_on = {}
    for attempt in sorted(passed_attempts, key=lambda a: a.date):
        passed_on.setdefault(attempt.kind, attempt.date)
    excluded = enrolment.is_excluded
    gates = {
        kind: assiduity.tranche_gate(
            kind,
            agreement_signed=enrolment.agreement_signed_on is not None,
            theory_passed=ExamKind.THEORY in passed_on,
            attendance_rate=stages["code_stage"].attendance_rate,
            threshold=programme.attendance_threshold,
            excluded=excluded,
            pre_training_completed=pre_training_done,
        )
        for kind in TrancheKind.values
    }
    return EnrolmentState(
        assiduity=assessed,
        theory_passed_on=passed_on.get(ExamKind.THEORY),
        driving_passed_on=passed_on.get(ExamKind.DRIVING),
        exclusion_proposed=not excluded
        and assiduity.exclusion_proposed(
            unexcused_absences=assessed.unexcused_absences,
            threshold=programme.exclusion_threshold,
        ),
        excluded=excluded,
        gates=gates,
        tranche_statuses=dict(tranche_statuses or {}),
        pre_training_required_hours=required,
        pre_training_completed=pre_training_done,
        **stages,
    )


class _LessonRow(NamedTuple):
    """The columns of a lesson the rules read (a model instance costs ten times more)."""

    pk: int
    start: datetime
    duration_minutes: int
    cancelled_at: datetime | None
    kind: str

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class _AttendanceRow(NamedTuple):
    lesson_id: int
    status: str
    late_minutes: int | None


def lesson_record(lesson: Lesson, attendance: Attendance | None) -> assiduity.LessonRecord:
    return assiduity.LessonRecord(
        start=lesson.start,
        duration_minutes=lesson.duration_minutes,
        status=attendance.status if attendance else None,
        late_minutes=attendance.late_minutes if attendance else None,
        cancelled=lesson.is_cancelled,
        kind=lesson.kind,
    )


def states_for(
    enrolments: Iterable[Enrolment], *, now: datetime | None = None
) -> dict[int, EnrolmentState]:
    """The state of each enrolment in four queries, whatever their number.

    The enrolments must come with their `programme` (select_related).
    """
    now = now or timezone.now()
    enrolments = list(enrolments)
    ids = [enrolment.pk for enrolment in enrolments]
    # Plain rows, not model instances: an attendance sheet of 10 people who had 100 lessons
    # each reads 1,000 lessons and 1,000 attendance rows here.
    lessons = defaultdict(list)
    bookings = (
        Lesson.enrolments.through.objects.filter(enrolment_id__in=ids)
        .order_by("lesson__start", "lesson_id")
        .values_list(
            "enrolment_id",
            "lesson_id",
            "lesson__start",
            "lesson__duration_minutes",
            "lesson__cancelled_at",
            "lesson__kind",
        )
    )
    for enrolment_id, *lesson in bookings:
        lessons[enrolment_id].append(_LessonRow(*lesson))
    attendances = defaultdict(list)
    rows = Attendance.objects.filter(enrolment_id__in=ids).values_list(
        "enrolment_id", "lesson_id", "status", "late_minutes"
    )
    for enrolment_id, *attendance in rows:
        attendances[enrolment_id].append(_AttendanceRow(*attendance))
    attempts = defaultdict(list)
    for attempt in ExamAttempt.objects.filter(enrolment_id__in=ids, passed=True):
        attempts[attempt.enrolment_id].append(attempt)
    tranche_statuses = defaultdict(dict)
    for enrolment_id, kind, status in FundingTranche.objects.filter(
        enrolment_id__in=ids
    ).values_list("enrolment_id", "kind", "status"):
        tranche_statuses[enrolment_id][kind] = status
    return {
        enrolment.pk: state_from(
            enrolment,
            programme=enrolment.programme,
            lessons=lessons[enrolment.pk],
            attendances=attendances[enrolment.pk],
            passed_attempts=attempts[enrolment.pk],
            now=now,
            tranche_statuses=tranche_statuses[enrolment.pk],
        )
        for enrolment in enrolments
    }


def pre_training_records(enrolment_ids: list[int]) -> dict[int, list[assiduity.LessonRecord]]:
    """The pré-formation lessons booked for each enrolment, with their sheet: two queries."""
    booked = Lesson.enrolments.through.objects.filter(
        enrolment_id__in=enrolment_ids, lesson__kind=LessonKind.PRE_TRAINING
    ).values_list(
        "enrolment_id",
        "lesson_id",
        "lesson__start",
        "lesson__duration_minutes",
        "lesson__cancelled_at",
    )
    sheets = {
        (enrolment_id, lesson_id): (status, late)
        for enrolment_id, lesson_id, status, late in Attendance.objects.filter(
            enrolment_id__in=enrolment_ids, lesson__kind=LessonKind.PRE_TRAINING
        ).values_list("enrolment_id", "lesson_id", "status", "late_minutes")
    }
    records = defaultdict(list)
    for enrolment_id, lesson_id, start, minutes, cancelled_at in booked:
        status, late = sheets.get((enrolment_id, lesson_id), (None, None))
        records[enrolment_id].append(
            assiduity.LessonRecord(
                start=start,
                duration_minutes=minutes,
                status=status,
                late_minutes=late,
                cancelled=cancelled_at is not None,
                kind=LessonKind.PRE_TRAINING,
            )
        )
    return records


def state_of(enrolment: Enrolment, *, now: datetime | None = None) -> EnrolmentState:
    return states_for([enrolment], now=now)[enrolment.pk]


def first_lesson_day(enrolment: Enrolment, *, now: datetime) -> date | None:
    """The day of the person's first lesson already started (cancelled ones do not count)."""
    first = (
        enrolment.lessons.not_cancelled()
        .filter(start__lte=now)
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )
    return timezone.localdate(first) if first else None


def orientation_group_for(pathway: Pathway) -> int | None:
    """The driving-licence orientation group of the pathway's latest diagnostic, if any.

    Read through the app registry: the driving school works without the diagnostics app
    (hours are then typed in), and does not depend on its internals beyond two fields.
    """
    try:
        diagnostic_model = apps.get_model("diagnostics", "Diagnostic")
    except LookupError:
        return None
    field_names = {field.name for field in diagnostic_model._meta.get_fields()}
    if not {"pathway", "orientation_group"} <= field_names:
        return None
    ordering = ["-taken_on", "-pk"] if "taken_on" in field_names else ["-pk"]
    return (
        diagnostic_model._default_manager.filter(pathway=pathway, orientation_group__isnull=False)
        .order_by(*ordering)
        .values_list("orientation_group", flat=True)
        .first()
    )


def pass_rates(platform_id: int, programme: Programme) -> dict[str, assiduity.PassRate]:
    """People-based pass rates of the platform's enrolments, per exam, with the department's."""
    attempts = defaultdict(list)
    rows = ExamAttempt.objects.filter(platform_id=platform_id).values_list(
        "kind", "enrolment__pathway__beneficiary_id", "passed"
    )
    for kind, person, passed in rows:
        attempts[kind].append((person, passed))
    return {
        kind: assiduity.pass_rate(
            attempts[kind], departmental_average=programme.departmental_pass_rate(kind)
        )
        for kind in ExamKind.values
    }


# Which tranche pays for a lesson: the code stage (tranche 1) pays the code lessons and the
# pré-formation that comes before them; the driving stage (tranche 2) pays the driving
# lessons and the simulator (docs/regles-metier.md, "Auto-école sociale").
TRANCHE_OF_LESSON = {
    LessonKind.THEORY: TrancheKind.THEORY,
    LessonKind.PRE_TRAINING: TrancheKind.THEORY,
    LessonKind.DRIVING: TrancheKind.PRACTICAL,
    LessonKind.SIMULATOR: TrancheKind.PRACTICAL,
}


def _paid_by(funder_id: int):
    """Lessons with at least one person whose tranche for the lesson's stage the funder pays."""
    return Q(
        *[
            Q(
                kind__in=[kind for kind, of in TRANCHE_OF_LESSON.items() if of == tranche],
                enrolments__tranches__kind=tranche,
                enrolments__tranches__funder_id=funder_id,
            )
            for tranche in TrancheKind
        ],
        _connector=Q.OR,
    )


def funded_sessions(
    *, platform_id: int, funder_id: int, start: datetime, end: datetime
) -> list[FundedSession]:
    """The lessons held in [start, end) that the funder pays for, with their sheet's lines,
    in four queries whatever their number (mobility/registry.py `funded_sessions`).

    A group lesson is listed whole (its sheet is signed whole); each line says whether the
    funder pays for that person's place."""
    lesson_ids = (
        Lesson.objects.filter(platform_id=platform_id, start__gte=start, start__lt=end)
        .not_cancelled()
        .filter(_paid_by(funder_id))
        .values("pk")
    )
    lessons = list(_with_sheet(Lesson.objects.filter(pk__in=lesson_ids)).order_by("start", "pk"))
    funded_by = {
        (enrolment_id, kind)
        for enrolment_id, kind in FundingTranche.objects.filter(
            enrolment__lessons__in=lesson_ids, funder_id=funder_id
        )
        .values_list("enrolment_id", "kind")
        .distinct()
    }
    return [_funded_lesson(lesson, funded_by) for lesson in lessons]


def _with_sheet(lessons):
    """What a lesson's sheet reads: instructor, people booked by name, attendance."""
    return lessons.select_related("instructor").prefetch_related(
        Prefetch(
            "enrolments",
            queryset=Enrolment.objects.select_related("pathway__beneficiary").order_by(
                "pathway__beneficiary__last_name", "pathway__beneficiary__first_name", "pk"
            ),
        ),
        "attendances",
    )


def sheet_of(lesson: Lesson) -> FundedSession:
    """The lesson's attendance sheet as it is signed (three queries); no line is marked
    funded: a sheet is the same whoever pays."""
    return _funded_lesson(_with_sheet(Lesson.objects.filter(pk=lesson.pk)).get(), set())


def _funded_lesson(lesson: Lesson, funded_by: set) -> FundedSession:
    attendances = {attendance.enrolment_id: attendance for attendance in lesson.attendances.all()}
    tranche = TRANCHE_OF_LESSON[lesson.kind]
    lines = []
    for enrolment in lesson.enrolments.all():
        attendance = attendances.get(enrolment.pk)
        status = attendance.status if attendance else ""
        lines.append(
            SheetLine(
                key=f"attendance:{enrolment.pk}",
                person_id=enrolment.pathway.beneficiary_id,
                person=enrolment.pathway.beneficiary.full_name,
                status=status,
                status_label=attendance.get_status_display() if attendance else "pas émargé",
                attended=status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE),
                late_minutes=attendance.late_minutes if attendance else None,
                funded=(enrolment.pk, tranche) in funded_by,
            )
        )
    instructor = lesson.instructor
    return FundedSession(
        kind="lesson_sheet",
        session=lesson,
        label=f"Auto-école : {lesson.get_kind_display()}",
        start=lesson.start,
        duration_minutes=lesson.duration_minutes,
        leader=(instructor.get_full_name() or instructor.username) if instructor else "",
        lines=tuple(lines),
        url=reverse("drivingschool:attendance_sheet", args=[lesson.pk]),
    )
