"""What the accompaniment adds to the core (mobility/registry.py): its actions in the
beneficiary file's time line and among a pathway's services (casework only), its menu
entry, pages, API, demo, and its part of the funder report."""

from __future__ import annotations

from django.urls import reverse

from accompaniment.enums import ACTION_ROLES
from mobility.registry import MenuEntry, Registry, ReportSection, TimelineItem

FOLLOW_UP = "accompaniment/_timeline_follow_up.html"


def _timeline(user, beneficiary, pathways):
    """The actions and workshops of the pathways (prefetched: no query). An action's line
    carries its notes and its follow-up (an orientation's outcome, an aid's payment) for
    those who manage the actions (the view checks it again on the post)."""
    from accompaniment import selectors

    manages = beneficiary.platform_id in user.platform_ids(ACTION_ROLES)
    for entry in selectors.timeline(pathways):
        url = ""
        if entry.registration is not None:
            url = reverse("accompaniment:session_detail", args=[entry.registration.session_id])
        follow_up = manages and entry.action is not None
        yield TimelineItem(
            day=entry.day,
            module="actions",
            kind_label=entry.kind_label.capitalize(),
            label=entry.label,
            detail=entry.detail,
            status=entry.status,
            status_label=entry.status_label,
            url=url,
            actions_template=FOLLOW_UP if follow_up else "",
            subject=entry.action if follow_up else None,
        )


def _sheet_pdf(document, signatures) -> bytes:
    from mobility.attendance_sheets import render_sheet_pdf

    return render_sheet_pdf(document, signatures)


def register(registry: Registry) -> None:
    from accompaniment import demo, report, selectors, services

    registry.register_timeline("accompaniment", section="actions", contributor=_timeline)
    registry.register_orientation_recorder("accompaniment", services.orientation_from_module)
    registry.register_pathway_prefetch("accompaniment", selectors.pathway_actions_prefetch)
    registry.register_service_rows("accompaniment", selectors.service_rows, casework_only=True)
    registry.register_menu(
        MenuEntry(
            key="accompaniment",
            label="Ateliers et actions",
            url_name="accompaniment:calendar",
            roles=ACTION_ROLES,
            order=30,
        )
    )
    registry.register_urls(
        "accompaniment", prefix="actions/", module="accompaniment.urls", order=30
    )
    registry.register_api("accompaniment", router="accompaniment.api.router", prefix="", order=20)
    registry.register_demo("accompaniment", demo.seed, order=30)
    registry.register_funded_sessions("accompaniment", selectors.funded_sessions)
    registry.register_signed_pdf("workshop_sheet", _sheet_pdf)
    registry.register_report_section(
        ReportSection(
            code=report.SECTION,
            title=report.TITLE,
            compute=report.section,
            rows=report.rows,
            grids=report.grids,
            order=60,
            service_labels=report.KIND_LABELS,
            services=report.people_by_kind,
        )
    )
