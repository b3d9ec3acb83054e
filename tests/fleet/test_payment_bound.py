"""A payment is at most fleet.rules.MAX_PAYMENT (5 000 €): a typo such as 99999999.99 is
a French 422, whatever the channel (payment, point étape, return)."""

from decimal import Decimal

import pytest

from fleet import services
from fleet.models import LedgerEntry
from fleet.rules import MAX_PAYMENT
from mobility.errors import InvalidInput
from tests.fleet.conftest import CONDITION_OK, days_ago

BASE = "/api/v1/fleet"


def test_a_huge_payment_is_refused_by_every_service(fleet_user, rental):
    with pytest.raises(InvalidInput) as error:
        services.payment_record(
            by=fleet_user,
            rental=rental,
            day=days_ago(0),
            amount=Decimal("99999999.99"),
            method="cash",
        )
    assert "ne peut pas dépasser 5" in error.value.errors["amount"]
    with pytest.raises(InvalidInput) as error:
        services.checkin_record(
            by=fleet_user,
            rental=rental,
            day=days_ago(0),
            odometer_km=42100,
            condition=CONDITION_OK,
            payment_amount=MAX_PAYMENT + Decimal("0.01"),
            payment_method="cash",
        )
    assert "payment.amount" in error.value.errors
    with pytest.raises(InvalidInput) as error:
        services.rental_return(
            by=fleet_user,
            rental=rental,
            day=days_ago(0),
            odometer_km=42100,
            condition=CONDITION_OK,
            payment_amount=Decimal("99999999.99"),
            payment_method="cash",
        )
    assert "payment.amount" in error.value.errors
    assert not LedgerEntry.objects.filter(rental=rental, kind="payment").exists()


def test_the_bound_itself_is_accepted(fleet_user, rental):
    entry = services.payment_record(
        by=fleet_user, rental=rental, day=days_ago(0), amount=MAX_PAYMENT, method="cash"
    )
    assert entry.amount == Decimal("5000.00")


def test_the_api_answers_a_huge_payment_with_a_french_422(api, fleet_user, rental):
    response = api(fleet_user).post(
        f"{BASE}/rentals/{rental.pk}/payments",
        {"date": str(days_ago(0)), "amount": "99999999.99", "method": "cash"},
    )
    assert response.status_code == 422
    assert "ne peut pas dépasser" in response.json()["errors"]["amount"]
