"""What the rental page offers about the grid's limits (fleet.selectors.follow_ups): the
microcredit when its month has come, the extension to advisers when the end is near."""

from datetime import timedelta

import pytest

from fleet import defaults, selectors, services
from tests.fleet.conftest import days_ago, hand_over, open_pathway


@pytest.fixture
def amie(admin_user, platform):
    services.grid_choose(
        by=admin_user, platform=platform, grid=services.shipped_grid(defaults.GRADUATED_GRID)
    )


def rental_started(fleet_user, adviser, prescriber_org, vehicle, days):
    pathway = open_pathway(adviser, prescriber_org, opened_days_ago=days + 10)
    return hand_over(fleet_user, pathway, vehicle, start=days_ago(days))


def test_early_in_the_grid_nothing_is_offered(amie, fleet_user, adviser, prescriber_org, vehicle):
    rental = rental_started(fleet_user, adviser, prescriber_org, vehicle, 20)
    offered = selectors.follow_ups(rental, adviser, today=days_ago(0))
    assert offered == selectors.FollowUps(
        microcredit_due=False, max_length_near=False, may_extend=False, microcredit_open=False
    )


def test_near_the_end_an_adviser_may_extend_fleet_staff_may_not(
    amie, fleet_user, adviser, prescriber_org, vehicle
):
    rental = rental_started(fleet_user, adviser, prescriber_org, vehicle, 140)
    today = rental.max_end_date - timedelta(days=defaults.MAX_LENGTH_WARNING_DAYS)
    for_adviser = selectors.follow_ups(rental, adviser, today=today)
    assert for_adviser.max_length_near and for_adviser.may_extend
    assert for_adviser.microcredit_due and for_adviser.microcredit_open
    for_staff = selectors.follow_ups(rental, fleet_user, today=today)
    assert for_staff.max_length_near and not for_staff.may_extend
    # The day before the warning period, nothing to extend yet.
    earlier = selectors.follow_ups(rental, adviser, today=today - timedelta(days=1))
    assert not earlier.max_length_near and not earlier.may_extend


def test_a_recorded_proposal_stays_open_to_follow_up_but_is_no_longer_due(
    amie, fleet_user, adviser, prescriber_org, vehicle
):
    rental = rental_started(fleet_user, adviser, prescriber_org, vehicle, 130)
    services.microcredit_record(by=fleet_user, rental=rental, proposed_on=days_ago(0))
    rental.refresh_from_db()
    offered = selectors.follow_ups(rental, fleet_user, today=days_ago(0))
    assert offered.microcredit_open and not offered.microcredit_due


def test_a_grid_without_limits_offers_nothing(fleet_user, adviser, rental):
    offered = selectors.follow_ups(rental, adviser, today=days_ago(0))
    assert not (offered.may_extend or offered.microcredit_open or offered.max_length_near)
