"""The fleet API's corrections: reverse an entry, refund what was overpaid, read a receipt."""

from datetime import timedelta
from decimal import Decimal

import pytest

from fleet import services
from fleet.enums import EntryKind
from fleet.models import LedgerEntry
from mobility.enums import Role
from tests.factories import member
from tests.fleet.conftest import CONDITION_OK, days_ago
from tests.nothing_written import nothing_written

BASE = "/api/v1/fleet"


@pytest.fixture
def typo(fleet_user, rental):
    return services.payment_record(
        by=fleet_user, rental=rental, day=days_ago(1), amount=Decimal("304"), method="cash"
    )


def returned_overpaid(user, rental):
    services.rental_return(
        by=user,
        rental=rental,
        day=rental.start_date + timedelta(days=14),
        odometer_km=42300,
        condition=CONDITION_OK,
        payment_amount=Decimal("100"),
        payment_method="cash",
    )  # 35,00 € owed: 65,00 € overpaid


def test_an_entry_is_reversed_with_the_correct_amount(api, fleet_user, rental, typo):
    response = api(fleet_user).post(
        f"{BASE}/ledger/{typo.pk}/reverse",
        {"reason": "304,00 € saisis au lieu de 30,40 €.", "correct_amount": "30.40"},
    )
    assert response.status_code == 201
    body = response.json()
    reversal, replacement = body["reversal"], body["replacement"]
    assert reversal["kind"] == "payment"
    assert reversal["amount"] == "-304.00"
    assert reversal["reverses_id"] == typo.pk
    assert reversal["reason"] == "304,00 € saisis au lieu de 30,40 €."
    assert reversal["receipt_number"] is None
    assert replacement["amount"] == "30.40"
    assert replacement["receipt_number"] == typo.receipt_number + 1
    assert body["balance"] == "-30.40"

    entry = api(fleet_user).get(f"{BASE}/ledger/{typo.pk}").json()
    assert entry["reversed_by_id"] == reversal["id"]
    assert entry["receipt_number"] == typo.receipt_number
    ledger = api(fleet_user).get(f"{BASE}/rentals/{rental.pk}/ledger").json()
    assert [(item["kind"], item["amount"]) for item in ledger["items"]][1:] == [
        ("payment", "304.00"),
        ("payment", "-304.00"),
        ("payment", "30.40"),
    ]
    assert api(fleet_user).get(f"{BASE}/rentals/{rental.pk}").json()["balance"] == "-30.40"


def test_a_reversal_repeated_with_its_idempotency_key_writes_nothing_more(api, fleet_user, typo):
    client = api(fleet_user)
    body = {"reason": "Faute de frappe."}
    headers = {"Idempotency-Key": "reverse-typo-1"}
    first = client.post(f"{BASE}/ledger/{typo.pk}/reverse", body, headers=headers)
    again = client.post(f"{BASE}/ledger/{typo.pk}/reverse", body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert LedgerEntry.objects.filter(reverses__isnull=False).count() == 1


def test_a_second_reversal_or_the_reversal_of_a_reversal_is_a_409(api, fleet_user, typo):
    client = api(fleet_user)
    reversal = client.post(f"{BASE}/ledger/{typo.pk}/reverse", {"reason": "Erreur."}).json()
    second = client.post(f"{BASE}/ledger/{typo.pk}/reverse", {"reason": "Erreur."})
    assert second.status_code == 409
    assert "déjà contre-passée" in second.json()["detail"]
    back = client.post(f"{BASE}/ledger/{reversal['reversal']['id']}/reverse", {"reason": "Oups."})
    assert back.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "Erreur.", "correct_amount": "304.00"}, "correct_amount"),
        ({"reason": "Erreur.", "correct_amount": "-3"}, "correct_amount"),
    ],
)
def test_a_reversal_without_reason_or_with_a_wrong_amount_is_a_422(
    api, fleet_user, typo, body, field
):
    response = api(fleet_user).post(f"{BASE}/ledger/{typo.pk}/reverse", body)
    assert response.status_code == 422
    assert field in str(response.json())
    assert not LedgerEntry.objects.filter(reverses__isnull=False).exists()


def test_an_overpaid_returned_rental_is_refunded(api, fleet_user, rental):
    returned_overpaid(fleet_user, rental)
    response = api(fleet_user).post(
        f"{BASE}/rentals/{rental.pk}/refunds",
        {"amount": "65.00", "method": "transfer", "reason": "Trop-perçu remboursé."},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["amount"], body["method"], body["date"]) == (
        "refund",
        "65.00",
        "transfer",
        str(days_ago(0)),
    )
    assert body["reason"] == "Trop-perçu remboursé."
    rental_body = api(fleet_user).get(f"{BASE}/rentals/{rental.pk}").json()
    assert (rental_body["balance"], rental_body["amount_paid"]) == ("0.00", "35.00")


def test_a_refund_beyond_the_overpaid_balance_is_a_422_and_before_the_return_a_409(
    api, fleet_user, rental
):
    client = api(fleet_user)
    body = {"amount": "10.00", "method": "cash", "reason": "Trop-perçu."}
    early = client.post(f"{BASE}/rentals/{rental.pk}/refunds", body)
    assert early.status_code == 409
    returned_overpaid(fleet_user, rental)
    over = client.post(f"{BASE}/rentals/{rental.pk}/refunds", {**body, "amount": "65.01"})
    assert over.status_code == 422
    assert "65,00" in over.json()["errors"]["amount"]
    assert not LedgerEntry.objects.filter(kind=EntryKind.REFUND).exists()


def test_the_receipt_of_a_payment_is_a_pdf(api, fleet_user, typo):
    response = api(fleet_user).get(f"{BASE}/ledger/{typo.pk}/receipt")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_entry_that_is_not_a_payment_has_no_receipt(api, fleet_user, rental):
    deposit = LedgerEntry.objects.get(rental=rental, kind=EntryKind.DEPOSIT_IN)
    response = api(fleet_user).get(f"{BASE}/ledger/{deposit.pk}/receipt")
    assert response.status_code == 404
    assert "pas un paiement" in response.json()["detail"]


def test_the_ledger_of_another_platform_is_a_404(api, fleet_user, other_world):
    theirs = services.payment_record(
        by=other_world["adviser"],
        rental=other_world["rental"],
        day=days_ago(1),
        amount=Decimal("10"),
        method="cash",
    )
    client = api(fleet_user)
    with nothing_written():
        assert client.get(f"{BASE}/ledger/{theirs.pk}").status_code == 404
    with nothing_written():
        assert client.get(f"{BASE}/ledger/{theirs.pk}/receipt").status_code == 404
    with nothing_written():
        assert client.post(f"{BASE}/ledger/{theirs.pk}/reverse", {"reason": "x"}).status_code == 404
    refund = {"amount": "1.00", "method": "cash", "reason": "x"}
    assert (
        client.post(f"{BASE}/rentals/{other_world['rental'].pk}/refunds", refund).status_code == 404
    )
    assert not LedgerEntry.objects.filter(reverses__isnull=False).exists()


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.PRESCRIBER, Role.FUNDER])
def test_other_roles_are_refused(api, platform, prescriber_org, typo, role):
    user = (
        member(role, organisation=prescriber_org)
        if role == Role.PRESCRIBER
        else member(role, platform)
    )
    response = api(user).post(f"{BASE}/ledger/{typo.pk}/reverse", {"reason": "Erreur."})
    assert response.status_code == 403
    assert api(user).get(f"{BASE}/ledger/{typo.pk}/receipt").status_code == 403
