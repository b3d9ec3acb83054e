"""Item 5 of issue 11: each grid sets a default deposit per vehicle kind; a lower deposit
needs an adviser's waiver with a reason, recorded and printed on the contract."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fleet import defaults, rules, services
from fleet.enums import VehicleKind
from fleet.models import Rental, TariffDeposit
from mobility.errors import Forbidden, InvalidInput
from tests.conftest import logged_in
from tests.fleet.conftest import VehicleFactory, hand_over
from tests.nothing_written import nothing_written
from tests.pdf_text import check_pdf

MONEY = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False)

# ---- the pure rule


@pytest.mark.parametrize(
    ("deposit", "default", "reason", "refused"),
    [
        ("150.00", "150.00", "", False),  # the default itself
        ("200.00", "150.00", "", False),  # more than the default
        ("149.99", "150.00", "", True),  # one cent short
        ("0.00", "150.00", "", True),  # the 0,00 € deposit
        ("0.00", "150.00", "   ", True),  # blanks are no reason
        ("0.00", "150.00", "Sans ressource ce mois-ci.", False),
        ("0.00", None, "", False),  # the grid sets no default for this kind
        ("-1.00", None, "", True),
        ("-1.00", "150.00", "Une raison", True),  # a reason never makes it negative
    ],
)
def test_deposit_problem_table(deposit, default, reason, refused):
    problem = rules.deposit_problem(
        deposit=Decimal(deposit),
        default=Decimal(default) if default else None,
        waiver_reason=reason,
    )
    assert (problem is not None) is refused


def test_the_refusal_names_the_default_in_french():
    problem = rules.deposit_problem(deposit=Decimal("0"), default=Decimal("150"), waiver_reason="")
    assert "150,00\u00a0€" in problem
    assert "dérogation" in problem and "motif" in problem


@given(deposit=MONEY, default=MONEY)
def test_a_deposit_is_refused_exactly_when_below_the_default_without_reason(deposit, default):
    refused = rules.deposit_problem(deposit=deposit, default=default, waiver_reason="")
    assert (refused is not None) == (deposit < default)
    assert rules.deposit_problem(deposit=deposit, default=default, waiver_reason="motif") is None


# ---- the data


def test_every_shipped_grid_sets_a_deposit_for_every_kind(db):
    services.install_shipped_grids()
    for code in defaults.SHIPPED_GRIDS:
        grid = services.grid_with_rates(services.shipped_grid(code)).as_rule()
        assert {kind: grid.default_deposit(kind) for kind in VehicleKind.values} == {
            "car": Decimal("150.00"),
            "scooter": Decimal("100.00"),
            "bike": Decimal("50.00"),
            "ebike": Decimal("50.00"),
        }


def test_a_new_version_of_a_grid_keeps_its_deposits(db, platform):
    grid = services.shipped_grid(defaults.GRADUATED_GRID)
    copy = services.grid_new_version(by=None, grid=grid, platform=platform)
    assert dict(copy.deposits.values_list("kind", "amount")) == dict(
        grid.deposits.values_list("kind", "amount")
    )


# ---- the hand-over


def test_a_deposit_below_the_default_without_reason_is_refused(fleet_user, pathway, vehicle):
    with nothing_written(), pytest.raises(InvalidInput) as refused:
        hand_over(fleet_user, pathway, vehicle, deposit="0")
    assert "150,00" in refused.value.errors["deposit"]


def test_fleet_staff_may_not_waive_the_deposit(fleet_user, pathway, vehicle):
    with nothing_written(), pytest.raises(Forbidden):
        hand_over(fleet_user, pathway, vehicle, deposit="50", deposit_waiver_reason="Je pense.")


def test_an_adviser_waives_it_with_a_reason_recorded(adviser, pathway, vehicle):
    rental = hand_over(
        adviser, pathway, vehicle, deposit="50", deposit_waiver_reason=" Payée en 3 fois. "
    )
    assert rental.deposit == Decimal("50.00")
    assert rental.deposit_default == Decimal("150.00")
    assert rental.deposit_waiver_reason == "Payée en 3 fois."
    assert rental.history.first().history_user == adviser


def test_a_reason_given_for_a_full_deposit_is_not_recorded(adviser, pathway, vehicle):
    rental = hand_over(adviser, pathway, vehicle, deposit="150", deposit_waiver_reason="Inutile")
    assert rental.deposit_waiver_reason == ""


def test_the_default_follows_the_vehicle_kind(fleet_user, pathway, platform):
    scooter = VehicleFactory(platform=platform, scooter=True)
    with pytest.raises(InvalidInput):
        hand_over(fleet_user, pathway, scooter, deposit="99.99")
    assert hand_over(fleet_user, pathway, scooter, deposit="100").deposit_default == Decimal(
        "100.00"
    )


def test_a_grid_without_a_default_for_the_kind_asks_for_none(fleet_user, pathway, vehicle):
    grid = services.fleet_settings(pathway.platform).tariff_grid
    TariffDeposit.objects.filter(grid=grid, kind=VehicleKind.CAR).delete()
    rental = hand_over(fleet_user, pathway, vehicle, deposit="0")
    assert rental.deposit_default is None


def test_the_database_refuses_a_waiver_without_reason(adviser, pathway, vehicle):
    rental = hand_over(adviser, pathway, vehicle, deposit="50", deposit_waiver_reason="Motif")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Rental.objects.filter(pk=rental.pk).update(deposit_waiver_reason="")


# ---- API and contract


def rental_body(pathway, vehicle, **overrides):
    return {
        "pathway_id": pathway.pk,
        "vehicle_id": vehicle.pk,
        "start_date": str(pathway.opened_on),
        "deposit": "0.00",
        "contract_signed": True,
        **overrides,
    }


def test_the_api_refuses_a_low_deposit_with_a_french_detail(api, fleet_user, pathway, vehicle):
    client = api(fleet_user)
    with nothing_written():
        response = client.post("/api/v1/fleet/rentals", rental_body(pathway, vehicle))
    assert response.status_code == 422
    assert "caution par défaut" in response.json()["detail"]


def test_the_api_takes_an_advisers_waiver(api, adviser, pathway, vehicle):
    response = api(adviser).post(
        "/api/v1/fleet/rentals",
        rental_body(pathway, vehicle, deposit="30.00", deposit_waiver_reason="RSA, sans épargne."),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["deposit"] == "30.00"
    assert body["deposit_default"] == "150.00"
    assert body["deposit_waiver_reason"] == "RSA, sans épargne."


def test_the_contract_prints_the_waiver(adviser, pathway, vehicle):
    rental = hand_over(adviser, pathway, vehicle, deposit="30", deposit_waiver_reason="RSA seul.")
    response = logged_in(adviser).get(reverse("fleet:rental_contract", args=[rental.pk]))
    check_pdf(
        response.content,
        has=[
            "Caution versée à la remise : 30,00 €",
            "Caution réduite par dérogation (caution prévue par la grille : 150,00 €). "
            "Motif : RSA seul.",
        ],
    )


def test_the_contract_of_a_full_deposit_mentions_no_waiver(fleet_user, pathway, vehicle):
    rental = hand_over(fleet_user, pathway, vehicle)
    response = logged_in(fleet_user).get(reverse("fleet:rental_contract", args=[rental.pk]))
    check_pdf(response.content, never=["dérogation"])
