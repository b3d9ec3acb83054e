"""Issue 11, item 1: the microcredit proposed at the grid's month, once a partner is named,
is an orientation of the pathway (the catalogue's "Orientation vers le microcrédit"),
counted and followed up with the other actions — recorded by the fleet's service, through
the core's registry (fleet/ does not import accompaniment/)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.enums import ActionKind
from accompaniment.models import Action
from fleet import defaults
from fleet import rules as fleet_rules
from fleet import services as fleet_services
from mobility.enums import OrganisationKind
from mobility.errors import Conflict
from mobility.models import Notification
from tests.conftest import logged_in
from tests.factories import OrganisationFactory
from tests.fleet.conftest import VehicleFactory, days_ago, hand_over
from tests.fleet.conftest import open_pathway as fleet_pathway
from tests.nothing_written import nothing_written


@pytest.mark.parametrize(
    ("outcome", "has_partner", "orientation"),
    [
        ("pending", True, None),
        ("pending", False, None),
        ("oriented", True, "pending"),
        ("granted", True, "done"),
        ("refused", True, "refused"),
        ("declined", True, "abandoned"),
        ("declined", False, None),  # the person said no: no partner, no orientation
        ("granted", False, None),
    ],
)
def test_the_orientation_a_microcredit_record_implies(outcome, has_partner, orientation):
    assert (
        fleet_rules.microcredit_orientation_outcome(outcome, has_partner=has_partner) == orientation
    )


@pytest.fixture
def adie(platform):
    return OrganisationFactory(platform=platform, kind=OrganisationKind.PARTNER, name="ADIE")


@pytest.fixture
def amie_rental(admin_user, platform, fleet_user, adviser, prescriber_org):
    grid = fleet_services.shipped_grid(defaults.GRADUATED_GRID)
    fleet_services.grid_choose(by=admin_user, platform=platform, grid=grid)
    pathway = fleet_pathway(adviser, prescriber_org, opened_days_ago=150)
    return hand_over(fleet_user, pathway, VehicleFactory(platform=platform), start=days_ago(130))


def orientations(rental):
    return list(
        Action.objects.filter(pathway=rental.pathway, kind=ActionKind.ORIENTATION).order_by("pk")
    )


def notices(event):
    return Notification.objects.filter(event=event).count()


def test_the_orientation_to_the_partner_is_an_action_followed_up_with_the_microcredit(
    catalogue, amie_rental, fleet_user, adviser, adie
):
    today = timezone.localdate()
    fleet_services.microcredit_record(by=fleet_user, rental=amie_rental, proposed_on=today)
    assert orientations(amie_rental) == []  # proposed, no partner yet

    fleet_services.microcredit_record(
        by=fleet_user, rental=amie_rental, proposed_on=today, outcome="oriented", partner=adie
    )
    [orientation] = orientations(amie_rental)
    assert orientation.action_type == catalogue["orientation_microcredit"]
    assert (orientation.partner, orientation.outcome, orientation.date) == (adie, "pending", today)
    assert orientation.history.first().history_user == fleet_user
    assert notices("orientation_sent") == 1  # the proposal's notice did not name the partner

    fleet_services.microcredit_record(
        by=fleet_user, rental=amie_rental, proposed_on=today, outcome="granted", partner=adie
    )
    [orientation] = orientations(amie_rental)  # followed up, not a second one
    assert orientation.outcome == "done"
    assert notices("orientation_outcome") == 1
    # The file's time line shows it among the actions.
    page = logged_in(adviser).get(reverse("beneficiary_detail", args=[amie_rental.beneficiary_id]))
    [line] = [item for item in page.context["timeline"] if item.module == "actions"]
    assert "Orientation vers le microcrédit" in (line.label, line.kind_label)
    assert "ADIE" in f"{line.label} {line.detail}"


def test_a_first_record_naming_the_partner_tells_the_referent_once(
    catalogue, amie_rental, fleet_user, adie
):
    fleet_services.microcredit_record(
        by=fleet_user,
        rental=amie_rental,
        proposed_on=days_ago(2),
        outcome="oriented",
        partner=adie,
    )
    [orientation] = orientations(amie_rental)
    assert orientation.outcome == "pending"
    assert notices("microcredit_proposed") == 1  # names the partner
    assert notices("orientation_sent") == 0


def test_without_a_microcredit_entry_in_the_catalogue_the_rental_keeps_the_outcome(
    amie_rental, fleet_user, adie
):
    rental = fleet_services.microcredit_record(
        by=fleet_user, rental=amie_rental, proposed_on=days_ago(0), outcome="oriented", partner=adie
    )
    assert rental.microcredit_outcome == "oriented"
    assert orientations(amie_rental) == []


def test_a_final_orientation_is_not_reopened_and_nothing_is_written(
    catalogue, amie_rental, fleet_user, adie
):
    fleet_services.microcredit_record(
        by=fleet_user, rental=amie_rental, proposed_on=days_ago(0), outcome="granted", partner=adie
    )
    with nothing_written(), pytest.raises(Conflict):
        fleet_services.microcredit_record(
            by=fleet_user,
            rental=amie_rental,
            proposed_on=days_ago(0),
            outcome="refused",
            partner=adie,
        )
    amie_rental.refresh_from_db()
    assert amie_rental.microcredit_outcome == "granted"
