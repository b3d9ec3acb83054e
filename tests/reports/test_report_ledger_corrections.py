"""The report's revenue counts what was really collected: a reversed payment and a refund
take away what they cancel or give back, and a person whose only payment was a mistake is
no payer."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from fleet import services
from fleet.report import revenue
from mobility.enums import Role
from mobility.reports.queries import Scope
from tests.factories import OrganisationFactory, member
from tests.fleet.conftest import CONDITION_OK, VehicleFactory, days_ago, hand_over, open_pathway


def test_revenue_leaves_out_reversed_payments_and_refunds(platform):
    adviser = member(Role.ADVISER, platform)
    organisation = OrganisationFactory(platform=platform)
    kept, mistaken = (
        hand_over(adviser, open_pathway(adviser, organisation), VehicleFactory(platform=platform))
        for _ in range(2)
    )
    typo = services.payment_record(
        by=adviser, rental=kept, day=days_ago(20), amount=Decimal("304"), method="cash"
    )
    services.ledger_entry_reverse(
        entry=typo, by=adviser, reason="Faute de frappe.", correct_amount=Decimal("30.40")
    )
    services.rental_return(
        by=adviser,
        rental=kept,
        day=kept.start_date + timedelta(days=7),
        odometer_km=42100,
        condition=CONDITION_OK,
        payment_amount=Decimal("10.00"),
        payment_method="cash",
    )  # 17,50 € owed, 40,40 € paid
    services.rental_refund(
        rental=kept, amount=Decimal("22.90"), by=adviser, reason="Trop-perçu.", method="cash"
    )
    wrong = services.payment_record(
        by=adviser, rental=mistaken, day=days_ago(20), amount=Decimal("50"), method="cash"
    )
    services.ledger_entry_reverse(entry=wrong, by=adviser, reason="Mauvaise location.")

    money = revenue(
        Scope(
            start=days_ago(40),
            end=days_ago(0),
            platform_ids=(platform.pk,),
            today=timezone.localdate(),
        )
    )

    assert money["collected"] == Decimal("17.50")
    assert money["charged"] == Decimal("17.50")
    assert money["payers"].own == 1
