"""What the handover page shows before anyone chooses: for the chosen person, which vehicle
kinds they may take and what is missing for the others; which vehicles are not offered
and why. The same eligibility rules as the service that records the handover
(services.missing_for), so the page never promises what the save would refuse.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fleet import services
from fleet.enums import VehicleKind, VehicleStatus
from fleet.models import Vehicle
from mobility.models import Pathway, User


@dataclass(frozen=True)
class KindEligibility:
    kind: str
    label: str
    available: int
    missing: list[str]  # French messages; empty: the person may take this kind
    # The grid's default deposit for this kind (None: the grid sets none).
    deposit: Decimal | None = None


@dataclass(frozen=True)
class HandoverChoices:
    eligibility: list[KindEligibility]
    unavailable: list[Vehicle]
    # The person's contract must be dated for eligibility: ask for its end up front.
    needs_contract_end: bool


def handover_choices(
    user: User, *, pathway: Pathway | None, on: date, contract_end_date: date | None = None
) -> HandoverChoices:
    vehicles = list(Vehicle.objects.for_user(user).in_service().order_by("kind", "label", "pk"))
    available = Counter(v.kind for v in vehicles if v.status == VehicleStatus.AVAILABLE)
    unavailable = [v for v in vehicles if v.status != VehicleStatus.AVAILABLE]
    eligibility = []
    needs_contract_end = False
    if pathway is not None:
        grid = services.grid_with_rates(services.fleet_settings(pathway.platform).tariff_grid)
        deposits = grid.as_rule()
        for kind in VehicleKind:
            missing = services.missing_for(
                pathway=pathway, kind=kind, on=on, contract_end_date=contract_end_date
            )
            needs_contract_end |= any(m.code == "contract_dates_unknown" for m in missing)
            eligibility.append(
                KindEligibility(
                    kind=kind.value,
                    label=str(kind.label).capitalize(),
                    available=available[kind.value],
                    missing=[m.message for m in missing],
                    deposit=deposits.default_deposit(kind.value),
                )
            )
    return HandoverChoices(
        eligibility=eligibility, unavailable=unavailable, needs_contract_end=needs_contract_end
    )
