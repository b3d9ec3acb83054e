"""What the fleet adds to the core (mobility/registry.py): the rentals in the beneficiary
file's time line and among a pathway's services, its menu entry, pages, API, demo, and its
part of the funder report (fleet/report.py)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from mobility.enums import DailyJobName, Role
from mobility.registry import MenuEntry, Registry, ReportSection, TimelineItem


def _service_rows(pathway) -> list[dict]:
    """The pathway's rentals as services of `GET /api/v1/pathways/{id}` (prefetched)."""
    return [
        {
            "kind": f"rental_{rental.vehicle.kind}",
            "id": rental.pk,
            "started_on": rental.start_date,
            "status": rental.status,
            "label": f"Location : {rental.vehicle.get_kind_display()} ({rental.vehicle})",
        }
        for rental in pathway.rentals.all()
    ]


def _timeline(user, beneficiary, pathways):
    for pathway in pathways:
        for rental in pathway.rentals.all():
            yield TimelineItem(
                day=rental.start_date,
                module="rentals",
                kind_label="Location",
                label=f"{rental.vehicle.get_kind_display().capitalize()} ({rental.vehicle})",
                detail=f"rendue le {rental.end_date:%d/%m/%Y}" if rental.end_date else "",
                status=rental.status,
                status_label=rental.get_status_display(),
                url=reverse("fleet:rental_detail", args=[rental.pk]),
            )


def register(registry: Registry) -> None:
    from fleet import demo, report
    from fleet.signing import (
        CONTRACT,
        RETURN_REPORT,
        render_signed_contract,
        render_signed_return_report,
    )

    registry.register_timeline("fleet", section="rentals", contributor=_timeline)
    registry.register_pathway_prefetch("fleet", lambda: ["rentals__vehicle"])
    registry.register_service_rows("fleet", _service_rows, casework_only=False)
    registry.register_menu(
        MenuEntry(
            key="fleet",
            label="Flotte",
            url_name="fleet:board",
            roles=frozenset({Role.ADMIN, Role.ADVISER, Role.FLEET}),
            order=20,
        )
    )
    registry.register_urls("fleet", prefix="flotte/", module="fleet.urls", order=40)
    registry.register_api("fleet", router="fleet.api.router", prefix="fleet/", order=40)
    registry.register_demo("fleet", demo.seed, order=20)
    registry.register_daily_work(DailyJobName.FLEET_ALERTS, _overdue_alerts)
    registry.register_report_section(
        ReportSection(
            code=report.SECTION,
            title=report.TITLE,
            compute=report.section,
            rows=report.rows,
            charts=report.charts,
            order=40,
            service_labels=report.SERVICE_LABELS,
            services=report.people_by_service,
        )
    )
    registry.register_signed_pdf(CONTRACT, render_signed_contract)
    registry.register_signed_pdf(RETURN_REPORT, render_signed_return_report)
    # The handover, check-in and return pages and the API's photo route take photos.
    registry.register_upload_path(
        "fleet_photos",
        pattern=r"^/(flotte/locations/(nouvelle|\d+/point-etape|\d+/retour)/"
        r"|api/v1/fleet/rentals/\d+/photos)$",
        max_bytes=_photos_body_limit,
    )


def _photos_body_limit() -> int:
    from fleet.rules import PHOTOS_PER_STEP

    # A step's photos at their largest, and the form's other fields.
    return PHOTOS_PER_STEP * settings.PHOTO_MAX_BYTES + 64 * 1024


def _overdue_alerts(*, today):
    from fleet import services  # the models are ready by the time a job runs

    return services.overdue_alerts(today=today)
