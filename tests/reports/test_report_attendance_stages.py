"""Issue 11, item 4 in the report: the attendance of the code stage (the tranche-2 gate's),
of the pré-formation and of the driving, apart, beside the rate over every lesson."""

import datetime as dt

from drivingschool import services as school_services
from drivingschool.models import Enrolment
from drivingschool.services import AttendanceRow
from mobility.enums import Role
from mobility.reports.definition import usage_report
from tests.factories import member
from tests.reports.conftest import _at


def test_attendance_per_stage(world, no_secrecy):
    instructor = member(Role.INSTRUCTOR, world.platform)
    enrolments = {
        code: Enrolment.objects.get(pathway=world.people[code].pathway)
        for code in ("Z1", "Z2", "Z3", "Z4")
    }

    def held(when: dt.date, kind: str, statuses: dict):
        lesson = school_services.lesson_schedule(
            by=instructor,
            platform=world.platform,
            kind=kind,
            start=_at(when, 14),
            duration_minutes=120,
            enrolments=[enrolments[code] for code in statuses],
        )
        school_services.attendance_record(
            by=instructor,
            lesson=lesson,
            rows=[
                AttendanceRow(enrolments[code].pk, status, reason="Rendez-vous médical")
                if status == "excused"
                else AttendanceRow(enrolments[code].pk, status)
                for code, status in statuses.items()
            ],
        )

    held(world.day(6), "driving", {"Z1": "present", "Z2": "unexcused"})
    held(world.day(7), "simulator", {"Z1": "present"})
    held(world.day(7), "pre_training", {"Z3": "present", "Z4": "excused"})

    school = usage_report(world.scope()).data["drivingschool"]

    # Code: the world's two lessons, 1 080 of 1 200 minutes. Driving: 240 of 360 (the
    # simulator is a driving lesson). Pré-formation: 120 of 240 (excused counts as held).
    assert school["attendance_by_stage"] == {
        "code": 0.9,
        "pre_training": 0.5,
        "driving": round(240 / 360, 4),
    }
    assert school["attendance_rate"] == round((1080 + 240 + 120) / (1200 + 360 + 240), 4)
