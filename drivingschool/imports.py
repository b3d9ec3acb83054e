"""A past driving-school enrolment, as a platform's old files record it (imports/).

The quote and its two tranches are computed as `enrolment_create` does, from the
platform's hourly rate; no referent is told (the training began long ago) and the
diagnostic's orientation is not asked (the person was enrolled then).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from drivingschool import assiduity
from drivingschool.enums import TrancheKind
from drivingschool.models import Enrolment, FundingTranche, Programme
from drivingschool.services import programme_for
from mobility.models import Pathway, User
from mobility.services import save_with_author


def enrolment_import_past(
    *,
    by: User,
    pathway: Pathway,
    start_date: date,
    theory_hours: Decimal,
    driving_hours: Decimal,
    programme: Programme | None = None,
) -> Enrolment:
    programme = programme or programme_for(pathway.platform)
    amounts = assiduity.quote(
        theory_hours=theory_hours, driving_hours=driving_hours, hourly_rate=programme.hourly_rate
    )
    enrolment = save_with_author(
        Enrolment(
            platform_id=pathway.platform_id,
            programme=programme,
            pathway=pathway,
            start_date=start_date,
            theory_hours=theory_hours,
            driving_hours=driving_hours,
            hourly_rate=programme.hourly_rate,
            quote_total=amounts.total,
            created_by=by,
        ),
        by=by,
    )
    for kind, amount in (
        (TrancheKind.THEORY, amounts.theory_amount),
        (TrancheKind.PRACTICAL, amounts.practical_amount),
    ):
        save_with_author(
            FundingTranche(
                platform_id=pathway.platform_id, enrolment=enrolment, kind=kind, amount=amount
            ),
            by=by,
        )
    return enrolment
