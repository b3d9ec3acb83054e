"""A past rental, as a platform's old files record it (the import of imports/).

Not a hand-over: the vehicle came back long ago, so nothing about it changes now (its
status, its odometer), no deposit is booked and no referent is told. The rental keeps
its dates and the platform's current terms (grid, km allowance), so the reports of its
period count it; its money was settled outside the software and is not in the ledger.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fleet import rules, tariffs
from fleet.enums import RentalStatus
from fleet.models import FleetSettings, Rental, Vehicle
from fleet.services import fleet_settings, save_with_author
from mobility.models import Pathway, User

IMPORTED = "Location importée des dossiers de la plateforme."


def rental_import_past(
    *,
    by: User,
    pathway: Pathway,
    vehicle: Vehicle,
    start_date: date,
    end_date: date,
    deposit: Decimal,
    home_work_km: Decimal,
    settings: FleetSettings | None = None,
) -> Rental:
    """Record a rental that began and ended in the past (validated by the caller's rules:
    vehicle of the pathway's platform, start after the opening, end after the start)."""
    if vehicle.platform_id != pathway.platform_id:
        raise ValueError("vehicle of another platform")
    settings = settings or fleet_settings(pathway.platform)
    grid = settings.tariff_grid
    max_end, microcredit = tariffs.milestones(
        max_months=grid.max_months,
        microcredit_month=grid.microcredit_month,
        rental_start=start_date,
    )
    return save_with_author(
        Rental(
            platform_id=pathway.platform_id,
            pathway=pathway,
            beneficiary_id=pathway.beneficiary_id,
            vehicle=vehicle,
            tariff_grid=grid,
            status=RentalStatus.RETURNED,
            start_date=start_date,
            end_date=end_date,
            max_end_date=max_end,
            microcredit_from=microcredit,
            deposit=tariffs.money(deposit),
            contract_signed=True,
            home_work_km=home_work_km,
            km_allowance_percent=settings.km_allowance_percent,
            daily_km_allowance=rules.daily_km_allowance(
                home_work_km=home_work_km, percent=settings.km_allowance_percent
            ),
            checkin_interval_days=settings.checkin_interval_days,
            start_odometer_km=vehicle.odometer_km,
            end_odometer_km=vehicle.odometer_km,
            end_reason=IMPORTED,
            created_by=by,
            returned_by=by,
        ),
        by=by,
    )
