"""What the driving school adds to the core (mobility/registry.py): the enrolments in the
beneficiary file's time line and among a pathway's services, its menu entry, pages, API,
demo, and its part of the funder report (drivingschool/report.py)."""

from __future__ import annotations

from django.urls import reverse

from drivingschool.enums import SCHOOL_ROLES
from mobility.registry import MenuEntry, Registry, ReportSection, TimelineItem


def _service_rows(pathway) -> list[dict]:
    """The pathway's enrolments as services of `GET /api/v1/pathways/{id}` (prefetched)."""
    return [
        {
            "kind": "driving_school",
            "id": enrolment.pk,
            "started_on": enrolment.start_date,
            "status": enrolment.status,
            "label": "Auto-école sociale",
        }
        for enrolment in pathway.driving_enrolments.all()
    ]


def _timeline(user, beneficiary, pathways):
    for pathway in pathways:
        for enrolment in pathway.driving_enrolments.all():
            yield TimelineItem(
                day=enrolment.start_date,
                module="driving_school",
                kind_label="Auto-école sociale",
                label="Inscription au programme",
                status=enrolment.status,
                status_label=enrolment.get_status_display(),
                url=reverse("drivingschool:enrolment_detail", args=[enrolment.pk]),
            )


def _seed(*, platform, users, today):
    from drivingschool import demo

    demo.seed(platform=platform, users=users)


def _funded_sessions(**period):
    from drivingschool import selectors

    return selectors.funded_sessions(**period)


def _sheet_pdf(document, signatures) -> bytes:
    from mobility.attendance_sheets import render_sheet_pdf

    return render_sheet_pdf(document, signatures)


def register(registry: Registry) -> None:
    from drivingschool import report
    from drivingschool.signing import AGREEMENT, render_signed_agreement

    registry.register_signed_pdf(AGREEMENT, render_signed_agreement)
    registry.register_timeline("drivingschool", section="driving_school", contributor=_timeline)
    registry.register_pathway_prefetch("drivingschool", lambda: ["driving_enrolments"])
    registry.register_service_rows("drivingschool", _service_rows, casework_only=False)
    registry.register_menu(
        MenuEntry(
            key="drivingschool",
            label="Auto-école",
            url_name="drivingschool:week",
            roles=SCHOOL_ROLES,
            order=10,
        )
    )
    registry.register_urls(
        "drivingschool", prefix="auto-ecole/", module="drivingschool.urls", order=20
    )
    registry.register_api(
        "drivingschool", router="drivingschool.api.router", prefix="drivingschool/", order=30
    )
    registry.register_demo("drivingschool", _seed, order=10)
    registry.register_report_section(
        ReportSection(
            code=report.SECTION,
            title=report.TITLE,
            compute=report.section,
            rows=report.rows,
            charts=report.charts,
            order=50,
            service_labels=report.SERVICE_LABELS,
            services=report.people_by_service,
        )
    )
    registry.register_funded_sessions("drivingschool", _funded_sessions)
    registry.register_signed_pdf("lesson_sheet", _sheet_pdf)
