"""The auto-école part of the demo: a few people enrolled, five weeks of lessons, attendance
with its lateness and absences, a theory exam, the two tranches at different stages.

Called by `manage.py seed_demo`; everything goes through the services, so history,
notifications, gates and constraints are real. Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from drivingschool import services
from drivingschool.enums import LessonKind
from drivingschool.models import Enrolment
from drivingschool.services import AttendanceRow
from mobility.enums import OrganisationKind, PathwayStatus
from mobility.models import Organisation, Pathway, Platform, User

WEEKS_OF_LESSONS = 5
# Departmental averages of the demo (in the range the préfectures publish).
THEORY_AVERAGE = Decimal("0.570")
DRIVING_AVERAGE = Decimal("0.590")


@dataclass(frozen=True)
class Profile:
    """How one demo person behaves: a status per theory lesson, cycling."""

    pattern: tuple[str, ...]
    signed: bool = True
    theory_passed: bool = False
    driving_lessons: bool = False


PROFILES = (
    # Assiduous, once late, code passed: tranche 2 opens by itself.
    Profile(("present", "present", "late", "present"), theory_passed=True, driving_lessons=True),
    # Sometimes absent with a reason, sometimes without.
    Profile(("present", "excused", "present", "unexcused", "present")),
    # Drops out: three unexcused absences, exclusion proposed.
    Profile(("present", "unexcused", "present", "unexcused", "unexcused", "late")),
    # Just enrolled, agreement not signed yet.
    Profile(("present",), signed=False),
)


def seed(*, platform: Platform, users: dict[str, User], today: dt.date | None = None) -> int:
    """Enrol the demo people of `platform`; return how many enrolments were created."""
    if Enrolment.objects.filter(platform=platform).exists():
        return 0
    today = today or timezone.localdate()
    admin, adviser, instructor = users["admin"], users["conseiller"], users["moniteur"]
    programme = services.programme_for(platform)
    services.programme_update(
        by=admin,
        programme=programme,
        data=services.ProgrammeData(
            name=programme.name,
            hourly_rate=programme.hourly_rate,
            exclusion_threshold=programme.exclusion_threshold,
            attendance_threshold=programme.attendance_threshold,
            excused_count_as_held=programme.excused_count_as_held,
            theory_departmental_pass_rate=THEORY_AVERAGE,
            driving_departmental_pass_rate=DRIVING_AVERAGE,
        ),
    )
    funders = list(
        Organisation.objects.filter(platform=platform, kind=OrganisationKind.FUNDER).order_by("pk")
    )
    # People without a licence whose entry diagnostic did not send them to a specialised
    # partner first (group 3): the prerequisites of the licence are there.
    pathways = list(
        Pathway.objects.filter(
            platform=platform, status=PathwayStatus.OPEN, beneficiary__licence_held=False
        )
        .exclude(diagnostics__orientation_group=3)
        .select_related("beneficiary")
        .order_by("opened_on", "pk")[: len(PROFILES)]
    )
    first_day = today - dt.timedelta(weeks=WEEKS_OF_LESSONS)
    enrolments = []
    for index, (pathway, profile) in enumerate(zip(pathways, PROFILES, strict=False)):
        start = max(pathway.opened_on, first_day)
        enrolment = services.enrolment_create(
            by=adviser,
            pathway=pathway,
            start_date=start,
            theory_hours=Decimal("20") + 10 * (index % 2),
            driving_hours=Decimal("30") + 5 * index,
            theory_funder=funders[0] if funders else None,
            practical_funder=funders[-1] if funders else None,
        )
        if profile.signed:
            services.enrolment_sign_agreement(by=adviser, enrolment=enrolment, signed_on=start)
        if enrolment.pre_training_hours:
            _pre_training(enrolment, instructor=instructor)
        enrolments.append((enrolment, profile))

    _theory_lessons(enrolments, instructor=instructor, today=today)
    for enrolment, profile in enrolments:
        if profile.theory_passed and enrolment.start_date <= today - dt.timedelta(days=7):
            services.exam_record(
                by=instructor,
                enrolment=enrolment,
                kind="theory",
                exam_date=today - dt.timedelta(days=3),
                passed=True,
            )
        if profile.driving_lessons:
            _driving_lessons(enrolment, instructor=instructor, today=today)
    return len(enrolments)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _pre_training(enrolment: Enrolment, *, instructor: User) -> None:
    """Group 2: the pré-formation first, five mornings 9:00-12:30 the week before the code
    starts, all attended (so tranche 1 opens as it should)."""
    hours = Decimal(enrolment.pre_training_hours)
    mornings = int((hours * 60 + 209) // 210)
    first = enrolment.start_date - dt.timedelta(days=7)
    for offset in range(mornings):
        lesson = services.lesson_schedule(
            by=instructor,
            platform=enrolment.platform,
            kind=LessonKind.PRE_TRAINING,
            start=_at(first + dt.timedelta(days=offset), 9),
            duration_minutes=210,
            enrolments=[enrolment],
        )
        if lesson.start <= timezone.now():
            services.attendance_record(
                by=instructor,
                lesson=lesson,
                rows=[AttendanceRow(enrolment_id=enrolment.pk, status="present")],
            )


def _theory_lessons(enrolments, *, instructor: User, today: dt.date) -> None:
    """Group code sessions on Tuesday and Thursday mornings, the past ones marked."""
    monday = today - dt.timedelta(days=today.weekday())
    now = timezone.now()
    seen = {enrolment.pk: 0 for enrolment, _profile in enrolments}
    for week in range(-WEEKS_OF_LESSONS, 2):
        for weekday in (1, 3):
            day = monday + dt.timedelta(weeks=week, days=weekday)
            present = [
                (enrolment, profile)
                for enrolment, profile in enrolments
                if enrolment.start_date <= day
            ]
            if not present:
                continue
            lesson = services.lesson_schedule(
                by=instructor,
                platform=present[0][0].platform,
                kind=LessonKind.THEORY,
                start=_at(day, 9, 30),
                duration_minutes=120,
                enrolments=[enrolment for enrolment, _profile in present],
            )
            if lesson.start > now:
                continue
            rows = []
            for enrolment, profile in present:
                status = profile.pattern[seen[enrolment.pk] % len(profile.pattern)]
                seen[enrolment.pk] += 1
                rows.append(
                    AttendanceRow(
                        enrolment_id=enrolment.pk,
                        status=status,
                        late_minutes=15 if status == "late" else None,
                        reason="Rendez-vous à France Travail" if status == "excused" else "",
                    )
                )
            services.attendance_record(by=instructor, lesson=lesson, rows=rows)


def _driving_lessons(enrolment: Enrolment, *, instructor: User, today: dt.date) -> None:
    """Individual driving lessons: two held this week or last, three to come."""
    for offset, hour in ((-2, 14), (-1, 16), (1, 14), (3, 10), (6, 14)):
        day = today + dt.timedelta(days=offset)
        lesson = services.lesson_schedule(
            by=instructor,
            platform=enrolment.platform,
            kind=LessonKind.DRIVING,
            start=_at(day, hour),
            duration_minutes=60,
            enrolments=[enrolment],
        )
        if lesson.start <= timezone.now():
            services.attendance_record(
                by=instructor,
                lesson=lesson,
                rows=[AttendanceRow(enrolment_id=enrolment.pk, status="present")],
            )
