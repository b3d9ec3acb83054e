"""Pure rules of the auto-école sociale: quote, attendance rate, exclusion, funding gates.

No ORM, no clock: the caller passes `now` and plain values. Every number (hourly rate,
thresholds, suggested hours) comes from the platform's Programme, never from here.

Decisions documented here, tested in tests/drivingschool/test_assiduity*.py:

- A lesson counts for a person once it has started (`start <= now`), is not cancelled,
  and the instructor has recorded that person's attendance. A lesson held but whose sheet
  is not filled yet counts neither way: the person is never marked absent by omission.
- attendance_rate = attended minutes / counted minutes. Present and late count the whole
  lesson as attended (the late minutes are kept and reported, not deducted). Excused
  absences count as held (they lower the rate) unless the programme says otherwise
  (`excused_count_as_held`); unexcused absences always count as held.
- With nothing counted yet the rate is undefined (`None`, shown "—"): assiduity is not
  demonstrated, so the practical gate reports `attendance_below_threshold`; exclusion
  depends only on unexcused absences, so it is not proposed.
- Exclusion is proposed when the unexcused absences reach the programme's threshold;
  a person decides.
- Stages: the code stage is the theory lessons; the pré-formation (pre-training) has its
  own attendance, shown apart; the driving stage is the driving and simulator lessons.
  The rate of the tranche-2 gate counts the code stage's lessons only (17h30 of
  pré-formation must not lift 70 % of code to 84 %). Unexcused absences count in every
  stage for the exclusion.
- Tranche 1 (theory) opens when the learning agreement is signed, the person is not
  excluded and the pré-formation the enrolment requires (group 2 of the orientation) is
  completed: its attended hours reach the required hours. Tranche 2 (practical) opens
  when the theory exam is passed, the code stage's rate is at least the threshold and the
  person is not excluded. Each gate names every blocking condition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from drivingschool.enums import (
    AttendanceStatus,
    BlockingReason,
    ExamKind,
    LessonKind,
    TrancheKind,
    TrancheStatus,
)

CENT = Decimal("0.01")
ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})

# The lessons of each stage of the training (a lesson's kind belongs to one stage).
CODE_STAGE = frozenset({LessonKind.THEORY})
PRE_TRAINING_STAGE = frozenset({LessonKind.PRE_TRAINING})
DRIVING_STAGE = frozenset({LessonKind.DRIVING, LessonKind.SIMULATOR})


# ---- quote


@dataclass(frozen=True)
class Quote:
    theory_amount: Decimal
    practical_amount: Decimal

    @property
    def total(self) -> Decimal:
        return self.theory_amount + self.practical_amount


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def quote(*, theory_hours: Decimal, driving_hours: Decimal, hourly_rate: Decimal) -> Quote:
    """Hours times the hourly rate; each tranche funds its own hours (2 places, half up)."""
    if theory_hours < 0 or driving_hours < 0 or hourly_rate < 0:
        raise ValueError("Hours and rate cannot be negative.")
    return Quote(
        theory_amount=money(theory_hours * hourly_rate),
        practical_amount=money(driving_hours * hourly_rate),
    )


@dataclass(frozen=True)
class SuggestedHours:
    theory: Decimal
    driving: Decimal
    pre_training: Decimal


def suggested_hours(
    orientation_group: int | None, table: Mapping[str, Mapping[str, object]]
) -> SuggestedHours | None:
    """Hours the programme suggests for a diagnostic's orientation group (None: no advice).

    `table` is the programme's data: {"1": {"theory": 20, "driving": 30, ...}, ...}. A
    group absent from the table (group 3: refer to a specialised partner) suggests nothing.
    """
    if orientation_group is None:
        return None
    row = table.get(str(orientation_group))
    if not row:
        return None
    return SuggestedHours(
        theory=Decimal(str(row.get("theory", 0))),
        driving=Decimal(str(row.get("driving", 0))),
        pre_training=Decimal(str(row.get("pre_training", 0))),
    )


def engagement_refused(orientation_group: int | None, table: Mapping[str, object]) -> bool:
    """Group 3 of the orientation (major difficulties) is not engaged in the licence."""
    return orientation_group is not None and str(orientation_group) not in table


# ---- attendance


@dataclass(frozen=True)
class LessonRecord:
    """One lesson booked for one person, with what the sheet says (status None: not filled)."""

    start: datetime
    duration_minutes: int
    status: str | None = None
    late_minutes: int | None = None
    cancelled: bool = False
    kind: str = LessonKind.THEORY

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class Assiduity:
    attendance_rate: Fraction | None
    attended_minutes: int
    counted_minutes: int
    late_count: int
    late_minutes: int
    excused_absences: int
    unexcused_absences: int
    unrecorded_lessons: int
    upcoming_lessons: int


# A lesson is scheduled at most this far from today, either way: enough to record a
# lesson held last season or plan the next one, and it keeps every date (and a lesson's
# end) far from the calendar's limits (year 1 and year 9999), where reads would crash.
LESSON_SCHEDULING_WINDOW = timedelta(days=366)
# The longest lesson: a full day of theory (also a database constraint on Lesson).
LESSON_MAX_MINUTES = 600
# People on one lesson (a code session in a hall at most), hence rows on its attendance sheet.
MAX_LESSON_PARTICIPANTS = 100


def lesson_problems(*, start: datetime, duration_minutes: int, today: date) -> dict:
    """Why a lesson cannot be scheduled at `start` for `duration_minutes` (empty if it can).

    The window is checked on the calendar date of `start` as given, so that no time-zone
    conversion can overflow on an absurd year.
    """
    problems = {}
    earliest = today - LESSON_SCHEDULING_WINDOW
    latest = today + LESSON_SCHEDULING_WINDOW
    if not earliest <= start.date() <= latest:
        problems["start"] = (
            "Une séance se programme au plus un an avant ou après aujourd'hui "
            f"(du {earliest:%d/%m/%Y} au {latest:%d/%m/%Y})."
        )
    if not 0 < duration_minutes <= LESSON_MAX_MINUTES:
        problems["duration_minutes"] = (
            f"La durée est comprise entre 1 et {LESSON_MAX_MINUTES} minutes."
        )
    return problems


def counted(record: LessonRecord, *, now: datetime) -> bool:
    """Does this lesson weigh in the person's assiduity at `now`?"""
    return not record.cancelled and record.start <= now and record.status is not None


def attendance_rate(
    records: Iterable[LessonRecord], *, now: datetime, excused_count_as_held: bool = True
) -> Fraction | None:
    """Attended minutes over counted minutes, exactly; None when nothing counts yet."""
    return assess(records, now=now, excused_count_as_held=excused_count_as_held).attendance_rate


def assess(
    records: Iterable[LessonRecord], *, now: datetime, excused_count_as_held: bool = True
) -> Assiduity:
    attended = held = late_count = late_minutes = excused = unexcused = 0
    unrecorded = upcoming = 0
    for record in records:
        if record.cancelled:
            continue
        if record.start > now:
            upcoming += 1
            continue
        if record.status is None:
            unrecorded += 1
            continue
        if record.status in ATTENDED:
            attended += record.duration_minutes
            held += record.duration_minutes
            if record.status == AttendanceStatus.LATE:
                late_count += 1
                late_minutes += record.late_minutes or 0
        elif record.status == AttendanceStatus.EXCUSED:
            excused += 1
            if excused_count_as_held:
                held += record.duration_minutes
        elif record.status == AttendanceStatus.UNEXCUSED:
            unexcused += 1
            held += record.duration_minutes
        else:
            raise ValueError(f"Unknown attendance status {record.status!r}")
    return Assiduity(
        attendance_rate=Fraction(attended, held) if held else None,
        attended_minutes=attended,
        counted_minutes=held,
        late_count=late_count,
        late_minutes=late_minutes,
        excused_absences=excused,
        unexcused_absences=unexcused,
        unrecorded_lessons=unrecorded,
        upcoming_lessons=upcoming,
    )


def of_stage(records: Iterable[LessonRecord], stage: frozenset[str]) -> list[LessonRecord]:
    """The records of one stage's lessons (CODE_STAGE, PRE_TRAINING_STAGE, DRIVING_STAGE)."""
    return [record for record in records if record.kind in stage]


def pre_training_completed(*, attended_minutes: int, required_hours: Decimal) -> bool:
    """The pré-formation is completed once its attended hours reach the required hours
    (none required: nothing to complete). Excused absences do not count as attended."""
    if required_hours < 0:
        raise ValueError("Required hours cannot be negative.")
    return Fraction(attended_minutes, 60) >= Fraction(required_hours)


def pre_training_minutes_by(records: Iterable[LessonRecord], *, start: datetime) -> int:
    """Minutes of pré-formation a person will have followed when a lesson starts at `start`:
    the lessons attended (present or late), and those booked, not cancelled, not yet on a
    sheet and over by then. An absence, excused or not, does not count."""
    return sum(
        record.duration_minutes
        for record in records
        if not record.cancelled
        and record.end <= start
        and (record.status is None or record.status in ATTENDED)
    )


def booking_problem(
    *, kind: str, start: datetime, required_hours: Decimal, pre_training: Iterable[LessonRecord]
) -> str | None:
    """Why a person cannot be booked on a lesson of `kind` at `start` (None if they can):
    a person who must follow a pré-formation (group 2) starts the code, the simulator or
    the driving once its required hours are followed, or booked to end by then."""
    if kind in PRE_TRAINING_STAGE or required_hours <= 0:
        return None
    minutes = pre_training_minutes_by(pre_training, start=start)
    if Fraction(minutes, 60) >= Fraction(required_hours):
        return None
    return (
        f"pré-formation de {duration_label(int(required_hours * 60))} à suivre d'abord "
        f"({duration_label(minutes)} suivies ou prévues avant cette séance)"
    )


def duration_label(minutes: int) -> str:
    """120 → "2 h", 90 → "1 h 30", 45 → "45 min"."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def unexcused_absences(records: Iterable[LessonRecord], *, now: datetime) -> int:
    return assess(records, now=now).unexcused_absences


def exclusion_proposed(*, unexcused_absences: int, threshold: int) -> bool:
    """The rule proposes exclusion at `threshold` unexcused absences; a person decides."""
    if threshold < 1:
        raise ValueError("The exclusion threshold is at least 1.")
    return unexcused_absences >= threshold


def absences_phrase(count: int) -> str:
    """ "1 absence injustifiée", "3 absences injustifiées" (French: 0 and 1 are singular)."""
    return f"{count} absence injustifiée" if count <= 1 else f"{count} absences injustifiées"


def ordinal(number: int) -> str:
    """French abbreviated ordinal: 1re, 2e, 3e..."""
    return f"{number}re" if number == 1 else f"{number}e"


def exclusion_notice(*, unexcused_absences: int, threshold: int) -> str:
    """What the referent reads about the exclusion rule after an unexcused absence.

    It agrees with the threshold in every case: the proposal comes *at* the threshold
    ("à partir de 3 absences"), so the text never says "au-delà", and it counts what is
    left before the proposal, singular and plural alike.
    """
    if threshold < 1 or unexcused_absences < 0:
        raise ValueError("The threshold is at least 1 and absences are not negative.")
    rule = f"Le programme propose l'exclusion à partir de {absences_phrase(threshold)}"
    if exclusion_proposed(unexcused_absences=unexcused_absences, threshold=threshold):
        return (
            f"{rule} : c'est le cas, l'exclusion est donc proposée. Un·e conseiller·ère va en "
            "parler avec la personne avant toute décision ; votre avis est bienvenu."
        )
    left = threshold - unexcused_absences
    return (
        f"{rule} : encore {absences_phrase(left)} et elle sera proposée. Un mot de votre "
        "part peut aider la personne à reprendre le rythme."
    )


def attendance_row_problems(*, status: str, late_minutes: int | None, reason: str) -> dict:
    """What is wrong with one row of an attendance sheet, field by field, in French."""
    problems = {}
    if status not in AttendanceStatus.values:
        problems["status"] = "Statut inconnu : present, late, excused ou unexcused."
    elif status == AttendanceStatus.LATE:
        if late_minutes is None or late_minutes <= 0:
            problems["late_minutes"] = "Indiquez le retard en minutes (au moins 1)."
    elif late_minutes:
        problems["late_minutes"] = "Des minutes de retard n'ont de sens que pour un retard."
    if status == AttendanceStatus.EXCUSED and not reason.strip():
        problems["reason"] = "Une absence justifiée demande son motif."
    return problems


# ---- funding gates


@dataclass(frozen=True)
class Gate:
    blocking: tuple[str, ...]

    @property
    def open(self) -> bool:
        return not self.blocking


def practical_gate(
    *,
    theory_passed: bool,
    attendance_rate: Fraction | None,
    threshold: Decimal,
    excluded: bool,
) -> Gate:
    """Tranche 2: theory exam passed AND rate >= threshold AND not excluded."""
    blocking = []
    if not theory_passed:
        blocking.append(BlockingReason.THEORY_NOT_PASSED.value)
    if attendance_rate is None or attendance_rate < Fraction(threshold):
        blocking.append(BlockingReason.ATTENDANCE_BELOW_THRESHOLD.value)
    if excluded:
        blocking.append(BlockingReason.EXCLUDED.value)
    return Gate(blocking=tuple(blocking))


def theory_gate(
    *, agreement_signed: bool, excluded: bool, pre_training_completed: bool = True
) -> Gate:
    """Tranche 1: the learning agreement is signed, the pré-formation the enrolment
    requires is completed, and the person is not excluded."""
    blocking = []
    if not agreement_signed:
        blocking.append(BlockingReason.AGREEMENT_NOT_SIGNED.value)
    if not pre_training_completed:
        blocking.append(BlockingReason.PRE_TRAINING_NOT_COMPLETED.value)
    if excluded:
        blocking.append(BlockingReason.EXCLUDED.value)
    return Gate(blocking=tuple(blocking))


# A tranche opens and closes with its gate until the funder pays it; `paid` is final.
TRANCHE_TRANSITIONS: dict[str, frozenset[str]] = {
    TrancheStatus.PENDING: frozenset({TrancheStatus.RELEASED}),
    TrancheStatus.RELEASED: frozenset({TrancheStatus.PENDING, TrancheStatus.PAID}),
    TrancheStatus.PAID: frozenset(),
}


def funding_released(*, tranche_status: str | None, gate: Gate) -> bool:
    """Whether a tranche's funding is released, as the page and the API both say it.

    Released as soon as nothing blocks (the gate opens by itself), and also when the
    tranche was released or paid whatever the gate says now (a release an administrator
    forced, a payment already made).
    """
    return gate.open or tranche_status in (TrancheStatus.RELEASED, TrancheStatus.PAID)


def can_transition(current: str, target: str) -> bool:
    return target in TRANCHE_TRANSITIONS.get(current, frozenset())


def synced_tranche_status(*, current: str, gate: Gate, overridden: bool) -> str:
    """Where the gate moves a tranche by itself: open → released, closed → back to pending.

    A paid tranche stays paid, and a release an administrator forced stays released.
    """
    if current == TrancheStatus.PENDING and gate.open:
        return TrancheStatus.RELEASED
    if current == TrancheStatus.RELEASED and not gate.open and not overridden:
        return TrancheStatus.PENDING
    return current


def tranche_gate(
    kind: str,
    *,
    agreement_signed: bool,
    theory_passed: bool,
    attendance_rate: Fraction | None,
    threshold: Decimal,
    excluded: bool,
    pre_training_completed: bool = True,
) -> Gate:
    """The gate of a tranche; `attendance_rate` is the code stage's."""
    if kind == TrancheKind.THEORY:
        return theory_gate(
            agreement_signed=agreement_signed,
            excluded=excluded,
            pre_training_completed=pre_training_completed,
        )
    return practical_gate(
        theory_passed=theory_passed,
        attendance_rate=attendance_rate,
        threshold=threshold,
        excluded=excluded,
    )


# ---- exams


def exam_problems(
    *,
    kind: str,
    exam_date: date,
    today: date,
    first_lesson_day: date | None,
    theory_passed_on: date | None,
    already_passed: bool,
) -> dict:
    """Why an exam attempt cannot be recorded (empty if it can)."""
    problems = {}
    if exam_date > today:
        problems["date"] = "Un examen se note une fois passé : la date ne peut pas être future."
    elif first_lesson_day is None or exam_date < first_lesson_day:
        problems["date"] = (
            "Aucune séance n'a eu lieu avant cette date : "
            "un examen ne peut pas précéder la formation."
        )
    if already_passed:
        problems["kind"] = "Cet examen est déjà réussi."
    elif kind == ExamKind.DRIVING and (theory_passed_on is None or theory_passed_on > exam_date):
        problems["kind"] = "L'examen de conduite demande d'avoir réussi le code avant."
    return problems


@dataclass(frozen=True)
class PassRate:
    """An exam's results, counted both ways.

    Per person: `presented` took the exam at least once, `passed` passed it. Per sitting:
    every attempt counts (`sittings`, `sittings_passed`), the basis on which the
    departmental averages are published, hence the one they are compared with.
    """

    presented: int
    passed: int
    departmental_average: Decimal | None
    sittings: int = 0
    sittings_passed: int = 0

    @property
    def rate(self) -> Fraction | None:
        """People-based: a person who fails then passes counts 1/1."""
        return Fraction(self.passed, self.presented) if self.presented else None

    @property
    def sitting_rate(self) -> Fraction | None:
        """Sitting-based: the same person counts 1/2, as the préfecture counts it."""
        return Fraction(self.sittings_passed, self.sittings) if self.sittings else None

    @property
    def difference(self) -> Fraction | None:
        """Our per-sitting rate minus the department's (positive: better than it).

        Compared on the per-sitting basis only, the one the department publishes.
        """
        if self.sitting_rate is None or self.departmental_average is None:
            return None
        return self.sitting_rate - Fraction(self.departmental_average)


def pass_rate(
    attempts: Iterable[tuple[int, bool]], *, departmental_average: Decimal | None
) -> PassRate:
    """Both bases from the sittings of one kind of exam: (person id, passed) pairs."""
    presented, passed = set(), set()
    sittings = sittings_passed = 0
    for person, success in attempts:
        presented.add(person)
        sittings += 1
        if success:
            passed.add(person)
            sittings_passed += 1
    return PassRate(
        presented=len(presented),
        passed=len(passed),
        departmental_average=departmental_average,
        sittings=sittings,
        sittings_passed=sittings_passed,
    )
