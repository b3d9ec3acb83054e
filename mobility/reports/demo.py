"""The report part of the demo: the year's budget of the main platform, split by funder,
so that the cost per beneficiary has something to divide. Running it again changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from mobility.enums import OrganisationKind
from mobility.models import Budget, Organisation, Platform, User
from mobility.services import save_with_author

# What each demo funder brings to the year (an order of magnitude seen in the field).
YEARLY_BUDGET = {
    "Département des Ardennes": Decimal("48000.00"),
    "DDETS des Ardennes": Decimal("30000.00"),
    "Région Grand Est": Decimal("22000.00"),
}


def seed(*, platform: Platform, by: User, today: date) -> int:
    if Budget.objects.filter(platform=platform).exists():
        return 0
    funders = {
        organisation.name: organisation
        for organisation in Organisation.objects.filter(
            platform=platform, kind=OrganisationKind.FUNDER
        )
    }
    created = 0
    for year in (today.year - 1, today.year):
        for name, amount in YEARLY_BUDGET.items():
            save_with_author(
                Budget(
                    platform=platform,
                    funder=funders.get(name),
                    label=f"Convention {year}",
                    period_start=date(year, 1, 1),
                    period_end=date(year, 12, 31),
                    amount=amount,
                ),
                by=by,
            )
            created += 1
    return created
