"""The driving school's part of the funder report (docs/regles-metier.md, "Rapports").

What it adds:

- `services.by_kind`: the people who started the auto-école sociale in the period.
- `drivingschool`: enrolled: people in training in the period; attendance_rate: attended
  over counted minutes of the lessons held in it, every kind of lesson;
  attendance_by_stage: the same for the code, the pré-formation and the driving apart
  (the tranche-2 gate reads the code's); theory and driving: people who sat the
  exam in the period, who passed it and their pass rate (per person); the sittings of
  the period, those passed and their rate (per sitting: every attempt counts), and the
  departmental average, published per sitting and compared with sitting_pass_rate.

Secrecy (mobility.reports.secrecy): the rates go with the people behind them; sittings
are not people, but they would give back a small group: they are shown only where the
people behind them are.

A fixed number of aggregate queries (six), each reading its tables on the report's
platforms only.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from drivingschool.assiduity import ATTENDED, CODE_STAGE, DRIVING_STAGE, PRE_TRAINING_STAGE
from drivingschool.enums import AttendanceStatus, ExamKind
from drivingschool.models import Attendance, Enrolment, ExamAttempt, Programme
from mobility.enums import Need
from mobility.reports.queries import Flags, Layered, Scope, layered, people_count

SECTION = "drivingschool"
TITLE = _("Auto-école sociale")
SERVICE_LABELS = {Need.DRIVING_SCHOOL.value: Need.DRIVING_SCHOOL.label}
STAGE_LABELS = {
    "code": _("Taux d'assiduité aux séances de code"),
    "pre_training": _("Taux d'assiduité à la pré-formation"),
    "driving": _("Taux d'assiduité à la conduite (leçons et simulateur)"),
}


# ---- the queries


def enrolments_started(scope: Scope) -> Layered[int]:
    """People who started the auto-école sociale in the period."""
    return people_count(
        scope,
        scope.rows(Enrolment, start_date__gte=scope.start, start_date__lte=scope.end),
        "pathway__beneficiary_id",
    )


def enrolled(scope: Scope) -> Layered[int]:
    """People in training in the period: enrolled in it, or marked on a lesson held in it."""
    lower, upper = scope.local_bounds()
    marked = scope.rows(
        Attendance,
        enrolment_id=OuterRef("pk"),
        lesson__platform_id__in=scope.platform_ids,
        lesson__start__gte=lower,
        lesson__start__lt=upper,
    )
    return people_count(
        scope,
        scope.rows(Enrolment).filter(
            Q(start_date__gte=scope.start, start_date__lte=scope.end) | Exists(marked)
        ),
        "pathway__beneficiary_id",
    )


# The stages of the licence, each with its own attendance (drivingschool.assiduity): the
# tranche-2 gate reads the code stage's only.
STAGES = {
    "code": CODE_STAGE,
    "pre_training": PRE_TRAINING_STAGE,
    "driving": DRIVING_STAGE,
}


def attendance(scope: Scope) -> dict[str, object]:
    """Attended and counted minutes of the lessons held in the period (the rule of
    drivingschool.assiduity: late is attended, excused counts as held if the programme
    says so, unexcused always), and the people concerned: every lesson, and each stage
    apart (`by_stage`), in the same two queries."""
    lower, upper = scope.local_bounds()
    held = {
        "lesson__platform_id__in": scope.platform_ids,
        "lesson__start__gte": lower,
        "lesson__start__lt": upper,
        "lesson__cancelled_at__isnull": True,
    }
    attended = Q(status__in=list(ATTENDED))
    counted = Q(status__in=[*ATTENDED, AttendanceStatus.UNEXCUSED]) | Q(
        status=AttendanceStatus.EXCUSED, enrolment__programme__excused_count_as_held=True
    )
    figures = {
        "attended": Sum("lesson__duration_minutes", filter=attended),
        "counted": Sum("lesson__duration_minutes", filter=counted),
    }
    for stage, kinds in STAGES.items():
        in_stage = Q(lesson__kind__in=list(kinds))
        figures[f"attended_{stage}"] = Sum("lesson__duration_minutes", filter=attended & in_stage)
        figures[f"counted_{stage}"] = Sum("lesson__duration_minutes", filter=counted & in_stage)
    totals = layered(
        scope,
        scope.rows(Attendance, **held),
        Flags.of_person(scope.filters, "enrolment__pathway__beneficiary__"),
        figures=figures,
    ).own
    # The people by a semi-join on the enrolments: a DISTINCT over the attendance rows
    # would sort millions of them.
    marked = scope.rows(Attendance, enrolment_id=OuterRef("pk"), **held)
    person = "pathway__beneficiary_id"
    people = layered(
        scope,
        scope.rows(Enrolment).filter(Exists(marked)),
        Flags.of_person(scope.filters, "pathway__beneficiary__"),
        people={
            "people": Count(person, distinct=True),
            **{
                stage: Count(
                    person, distinct=True, filter=Q(Exists(marked.filter(lesson__kind__in=kinds)))
                )
                for stage, kinds in STAGES.items()
            },
        },
    )
    return {
        "attended": totals["attended"] or 0,
        "counted": totals["counted"] or 0,
        "people": people.map(lambda values: values["people"] or 0),
        "by_stage": {
            stage: {
                "attended": totals[f"attended_{stage}"] or 0,
                "counted": totals[f"counted_{stage}"] or 0,
                "people": people.map(lambda values, stage=stage: values[stage] or 0),
            }
            for stage in STAGES
        },
    }


EXAM_FIGURES = ("presented", "passed", "sittings", "sittings_passed")


def exams(scope: Scope) -> Layered[dict[str, dict[str, int]]]:
    """Per exam kind: people who sat it in the period and those who passed it then, and
    the sittings (every attempt) and passed sittings of the period, for this report."""
    person = "enrolment__pathway__beneficiary_id"

    def by_kind(groups: dict) -> dict[str, dict[str, int]]:
        result = {kind: dict.fromkeys(EXAM_FIGURES, 0) for kind in ExamKind.values}
        for kind, values in groups.items():
            result[kind] = {name: values.get(name) or 0 for name in EXAM_FIGURES}
        return result

    return layered(
        scope,
        scope.rows(ExamAttempt, date__gte=scope.start, date__lte=scope.end),
        Flags.of_person(scope.filters, "enrolment__pathway__beneficiary__"),
        key="kind",
        # Sittings are counts that add up over groups of people, like the people: every
        # enclosing report gets its own, as the zeros of a figure would otherwise say.
        people={
            "presented": Count(person, distinct=True),
            "passed": Count(person, distinct=True, filter=Q(passed=True)),
            "sittings": Count("pk"),
            "sittings_passed": Count("pk", filter=Q(passed=True)),
        },
    ).map(by_kind)


def departmental_averages(scope: Scope) -> dict[str, Decimal | None]:
    """The departmental pass rates the platforms entered (their mean over several)."""
    averages = Programme.objects.filter(platform_id__in=scope.platform_ids).aggregate(
        theory=Avg("theory_departmental_pass_rate"),
        driving=Avg("driving_departmental_pass_rate"),
    )
    return {ExamKind.THEORY: averages["theory"], ExamKind.DRIVING: averages["driving"]}


# ---- the section of the report


def people_by_service(scope: Scope) -> Layered[dict[str, int]]:
    """The people who started the auto-école sociale in the period."""
    return enrolments_started(scope).map(lambda people: {Need.DRIVING_SCHOOL: people})


def section(scope: Scope, mask, services_masked, *, money, hours) -> dict:
    """The `drivingschool` part of the report: rates over the people concerned, against
    the department's, masked by the report's `mask`."""
    lessons = attendance(scope)
    sat_exams = exams(scope)
    averages = departmental_averages(scope)
    school = {
        "enrolled": mask.count("drivingschool.enrolled", enrolled(scope)),
        "attendance_rate": mask.rate(
            "drivingschool.attendance_rate",
            lessons["attended"],
            lessons["counted"],
            people=lessons["people"],
        ),
        "attendance_by_stage": {
            stage: mask.rate(
                f"drivingschool.attendance_by_stage.{stage}",
                figures["attended"],
                figures["counted"],
                people=figures["people"],
            )
            for stage, figures in lessons["by_stage"].items()
        },
    }
    for kind in ExamKind.values:
        sat = sat_exams.map(lambda by_kind, kind=kind: by_kind[kind])
        presented = sat.map(lambda counts: counts["presented"])
        passed = mask.count(f"drivingschool.{kind}.passed", sat.map(lambda c: c["passed"]))
        average = averages[kind]
        # Sittings are not people, but they would give back a small group: they are shown
        # only where the people behind them are (those who sat, those who passed).
        sittings = mask.over_people(
            f"drivingschool.{kind}.sittings", sat.own["sittings"], people=presented
        )
        sittings_passed = mask.over_people(
            f"drivingschool.{kind}.sittings_passed",
            sat.own["sittings_passed"],
            people=sat.map(lambda c: c["passed"]),
        )
        school[kind] = {
            "presented": mask.count(f"drivingschool.{kind}.presented", presented),
            "passed": passed,
            "pass_rate": mask.rate(
                f"drivingschool.{kind}.pass_rate",
                sat.own["passed"],
                sat.own["presented"],
                people=presented,
                numerator_masked=passed is None,
            ),
            "sittings": sittings,
            "sittings_passed": sittings_passed,
            "sitting_pass_rate": mask.rate(
                f"drivingschool.{kind}.sitting_pass_rate",
                sat.own["sittings_passed"],
                sat.own["sittings"],
                people=presented,
                numerator_masked=passed is None or sittings_passed is None,
            ),
            "departmental_average": None if average is None else round(float(average), 4),
        }
    return school


def rows(data: dict) -> list[tuple[str, object, object, str]]:
    """The section's figures for the flat table: (code, French label, value, unit)."""
    school = data[SECTION]
    out = [
        ("drivingschool.enrolled", _("Personnes en formation"), school["enrolled"], "count"),
        (
            "drivingschool.attendance_rate",
            _("Taux d'assiduité"),
            school["attendance_rate"],
            "rate",
        ),
        *(
            (
                f"drivingschool.attendance_by_stage.{stage}",
                label,
                school["attendance_by_stage"][stage],
                "rate",
            )
            for stage, label in STAGE_LABELS.items()
        ),
    ]
    for kind, title in ((ExamKind.THEORY, _("code")), (ExamKind.DRIVING, _("conduite"))):
        exam = school[kind]
        for code, label, unit in (
            ("presented", _("Présentés à l'examen (%(exam)s)"), "count"),
            ("passed", _("Reçus à l'examen (%(exam)s)"), "count"),
            ("pass_rate", _("Taux de réussite par personne (%(exam)s)"), "rate"),
            ("sittings", _("Passages de l'examen (%(exam)s)"), "count"),
            ("sittings_passed", _("Passages réussis (%(exam)s)"), "count"),
            ("sitting_pass_rate", _("Taux de réussite par passage (%(exam)s)"), "rate"),
            (
                "departmental_average",
                _("Moyenne départementale par passage (%(exam)s)"),
                "rate",
            ),
        ):
            out.append((f"drivingschool.{kind}.{code}", label % {"exam": title}, exam[code], unit))
    return out


def charts(report) -> list:
    """Attendance and pass rates, the departmental average marked on the sittings'."""
    from mobility.reports.presentation import Chart, rate_bar

    school = report.data[SECTION]
    return [
        Chart(
            gettext("Assiduité et réussite aux examens"),
            [
                rate_bar(report, gettext("Taux d'assiduité"), "drivingschool.attendance_rate"),
                rate_bar(
                    report,
                    gettext("Réussite au code, par passage"),
                    "drivingschool.theory.sitting_pass_rate",
                    marker=school[ExamKind.THEORY]["departmental_average"],
                ),
                rate_bar(
                    report,
                    gettext("Réussite au code, par personne"),
                    "drivingschool.theory.pass_rate",
                ),
                rate_bar(
                    report,
                    gettext("Réussite à la conduite, par passage"),
                    "drivingschool.driving.sitting_pass_rate",
                    marker=school[ExamKind.DRIVING]["departmental_average"],
                ),
                rate_bar(
                    report,
                    gettext("Réussite à la conduite, par personne"),
                    "drivingschool.driving.pass_rate",
                ),
            ],
            note=gettext(
                "Le trait rouge marque la moyenne départementale, publiée par passage : "
                "elle se compare au taux par passage (chaque tentative compte)."
            ),
        )
    ]
