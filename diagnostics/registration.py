"""What the diagnostics add to the core (mobility/registry.py): their place in the
beneficiary file's time line, the pathway's `diagnostics` and `progress` in the API, their
pages and API, the entry and exit diagnostics of the demo's fiches, and their part of the
funder report (diagnostics/report.py)."""

from __future__ import annotations

from django.urls import reverse

from mobility.registry import Registry, ReportSection, TimelineItem


def _timeline(user, beneficiary, pathways):
    """The completed diagnostics of the pathways (prefetched: no query)."""
    from diagnostics.enums import DiagnosticKind, DiagnosticStatus

    kinds = dict(DiagnosticKind.choices)
    for pathway in pathways:
        for diagnostic in pathway.diagnostics.all():
            if diagnostic.status != DiagnosticStatus.COMPLETED:
                continue
            yield TimelineItem(
                day=diagnostic.taken_on,
                module="diagnostics",
                kind_label=str(kinds[diagnostic.kind]).capitalize(),
                label=f"Potentiel de mobilité : {diagnostic.mobility_potential}/100",
                status=diagnostic.kind,
                url=reverse("diagnostic_detail", args=[diagnostic.pk]),
            )


def register(registry: Registry) -> None:
    from diagnostics import demo, report, selectors

    registry.register_timeline("diagnostics", section="diagnostics", contributor=_timeline)
    registry.register_pathway_prefetch(
        "diagnostics", lambda: [selectors.pathway_diagnostics_prefetch()]
    )
    registry.register_pathway_field("diagnostics", selectors.pathway_diagnostics_out)
    registry.register_pathway_field("progress", selectors.pathway_progress_out)
    registry.register_urls("diagnostics", prefix="", module="diagnostics.urls", order=10)
    registry.register_api("diagnostics", router="diagnostics.api.router", prefix="", order=10)
    registry.register_demo_referral_step(
        "diagnostics", accepted=demo.record_entry, closing=demo.record_exit
    )
    registry.register_report_section(
        ReportSection(
            code=report.SECTION,
            title=report.TITLE,
            compute=report.section,
            rows=report.rows,
            charts=report.charts,
            order=80,
            service_labels=report.SERVICE_LABELS,
            services=report.people_by_service,
            # Its people in services.by_kind come before the accompaniment's (60).
            service_order=55,
        )
    )
