"""What the fleet board lists, read straight from fleet.selectors on a frozen day: which
check-ins are late or due this week and in which order, which vehicles each state names and
counts, which rentals come near their end, owe a microcredit proposal, drove too far or owe
money. Written so that the realistic bugs mutation testing plants fail (issue 16)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from fleet import defaults, selectors, services
from fleet.enums import VehicleKind, VehicleStatus
from fleet.models import Rental
from tests.conftest import logged_in
from tests.fleet.conftest import CONDITION_OK, VehicleFactory, hand_over, open_pathway

# A Wednesday: its week runs from Monday 7 to Sunday 13 December 2026.
TODAY = date(2026, 12, 9)
MONDAY = date(2026, 12, 7)
SUNDAY = date(2026, 12, 13)

pytestmark = pytest.mark.time_machine("2026-12-09 10:00 +01:00")


@pytest.fixture
def lend(fleet_user, adviser, prescriber_org, platform):
    """A rental of a new person and a new vehicle, from `start`."""

    def lend(start: date, **vehicle) -> Rental:
        pathway = open_pathway(adviser, prescriber_org)
        return hand_over(
            fleet_user, pathway, VehicleFactory(platform=platform, **vehicle), start=start
        )

    return lend


def reading(user, rental, day, odometer_km, paid=None) -> dict:
    """What a check-in and a return are given: the day's reading, a vehicle in good
    condition, and a payment in cash of `paid` euros if given."""
    return {
        "by": user,
        "rental": rental,
        "day": day,
        "odometer_km": odometer_km,
        "condition": CONDITION_OK,
        "payment_amount": Decimal(paid) if paid else None,
        "payment_method": "cash" if paid else "",
    }


def check_in(*args, **kwargs):
    return services.checkin_record(**reading(*args, **kwargs))


def give_back(*args, **kwargs):
    return services.rental_return(**reading(*args, **kwargs))


def board_rentals(user):
    return list(Rental.objects.for_user(user).open().for_board())


# ---- the check-ins of the week


def test_late_check_ins_come_first_then_this_weeks_by_date(fleet_user, lend):
    checked_recently = lend(date(2026, 11, 11))
    check_in(fleet_user, checked_recently, date(2026, 12, 4), 42100)  # next: Friday 11
    long_late = lend(date(2026, 11, 25))  # due Wednesday 2: before the week
    late_this_week = lend(date(2026, 11, 30))  # due Monday 7: before today
    due_thursday = lend(date(2026, 12, 3))  # due Thursday 10
    due_sunday = lend(date(2026, 12, 6))  # due Sunday 13, the week's last day
    lend(date(2026, 12, 7))  # due Monday 14: next week
    assert {r.checkin_interval_days for r in board_rentals(fleet_user)} == {7}

    found = selectors.due_checkins(board_rentals(fleet_user), week_start=MONDAY, today=TODAY)

    assert [(item.rental.pk, item.due_on, item.state) for item in found] == [
        (long_late.pk, date(2026, 12, 2), "overdue"),
        (late_this_week.pk, date(2026, 12, 7), "overdue"),
        (due_thursday.pk, date(2026, 12, 10), "due"),
        (checked_recently.pk, date(2026, 12, 11), "due"),
        (due_sunday.pk, SUNDAY, "due"),
    ]


def test_the_next_check_in_counts_from_the_last_one(fleet_user, lend):
    rental = lend(date(2026, 11, 4))
    check_in(fleet_user, rental, date(2026, 11, 27), 42100)
    [item] = selectors.due_checkins(board_rentals(fleet_user), week_start=MONDAY, today=TODAY)
    assert (item.due_on, item.state) == (date(2026, 12, 4), "overdue")
    assert selectors.due_on(item.rental) == date(2026, 12, 4)


def test_a_monthly_rental_is_due_the_same_day_of_the_next_month(fleet_user, lend):
    rental = lend(date(2026, 11, 12))
    # A grid's rhythm, copied on the rental at the hand-over (fleet.rules.next_checkin_due).
    Rental.objects.filter(pk=rental.pk).update(visit_frequency="monthly")
    [item] = selectors.due_checkins(board_rentals(fleet_user), week_start=MONDAY, today=TODAY)
    assert (item.due_on, item.state) == (date(2026, 12, 12), "due")


def test_a_fraction_of_a_km_over_the_allowance_is_on_the_board(fleet_user, lend):
    rental = lend(date(2026, 12, 1))
    check_in(fleet_user, rental, date(2026, 12, 8), 42000 + 303)  # 302.4 km allowed
    [flagged] = selectors.board(fleet_user, today=TODAY).km_over
    assert (flagged.pk, flagged.last_km_allowance, flagged.last_km_over) == (
        rental.pk,
        Decimal("302.4"),
        Decimal("0.6"),
    )


# ---- the board


@pytest.fixture
def fleet(fleet_user, platform, other_platform, lend, monkeypatch):
    """Two vehicles named per state; available ones created out of order; a rental of each
    kind the board lists; another platform's vehicles and rentals, never shown."""
    monkeypatch.setattr(selectors, "BOARD_VEHICLES_PER_STATUS", 2)
    VehicleFactory(platform=platform, label="Zoé")
    VehicleFactory(platform=platform, label="Clio")
    VehicleFactory(platform=platform, bike=True, label="Vélo de ville")
    VehicleFactory(platform=platform, kind=VehicleKind.SCOOTER, label="Scooter")
    garage = VehicleFactory(platform=platform, label="Twingo")
    services.vehicle_set_status(by=fleet_user, vehicle=garage, status=VehicleStatus.MAINTENANCE)
    VehicleFactory(platform=other_platform, label="Ailleurs")

    overdue = lend(date(2026, 11, 24), label="Berlingo")
    check_in(fleet_user, overdue, date(2026, 12, 1), 42100)  # a week: 17,50 €, next on the 8th
    due = lend(date(2026, 12, 3), label="Kangoo")
    # Paid all it owed but 0,50 €, and drove 900 km in its last week.
    far = lend(date(2026, 11, 10), label="Clio Campus")
    check_in(fleet_user, far, date(2026, 12, 1), 42100)
    check_in(fleet_user, far, date(2026, 12, 8), 43000, paid="69.50")
    # Paid exactly what it owed: nothing unpaid, nothing to do this week.
    settled = lend(date(2026, 12, 2), label="Ami")
    check_in(fleet_user, settled, date(2026, 12, 8), 42050, paid="15.00")
    returned_owing = lend(date(2026, 11, 18), label="C3")
    give_back(fleet_user, returned_owing, date(2026, 12, 2), 42200)
    returned_settled = lend(date(2026, 11, 18), label="C4")
    give_back(fleet_user, returned_settled, date(2026, 12, 2), 42200, paid="35.00")
    return {
        "overdue": overdue,
        "due": due,
        "far": far,
        "settled": settled,
        "returned_owing": returned_owing,
        "returned_settled": returned_settled,
    }


def test_the_board_names_the_first_vehicles_of_each_state_and_counts_them_all(fleet_user, fleet):
    board = selectors.board(fleet_user, today=TODAY)

    # The returned rentals' vehicles (C3, C4) are available again.
    assert board.vehicle_counts == {"available": 6, "rented": 4, "maintenance": 1, "retired": 0}
    # By kind (bike before car before scooter), then by name: not in the order of creation.
    assert [v.label for v in board.vehicles_by_status["available"]] == ["Vélo de ville", "C3"]
    assert [v.label for v in board.vehicles_by_status["rented"]] == ["Ami", "Berlingo"]
    assert [v.label for v in board.vehicles_by_status["maintenance"]] == ["Twingo"]
    assert board.vehicles_by_status["retired"] == []
    assert board.vehicles_more == {"available": 4, "rented": 2, "maintenance": 0, "retired": 0}
    assert board.status_labels == dict(VehicleStatus.choices)
    assert (board.today, board.week, board.week_days) == (TODAY, "2026-W50", (MONDAY, SUNDAY))


def test_the_board_lists_the_rentals_each_task_concerns(fleet_user, fleet):
    board = selectors.board(fleet_user, today=TODAY)

    assert [r.pk for r in board.open_rentals] == [
        fleet["far"].pk,
        fleet["overdue"].pk,
        fleet["settled"].pk,
        fleet["due"].pk,
    ]
    assert [(item.rental.pk, item.due_on) for item in board.overdue] == [
        (fleet["overdue"].pk, date(2026, 12, 8))
    ]
    assert [(item.rental.pk, item.due_on) for item in board.due] == [
        (fleet["due"].pk, date(2026, 12, 10))
    ]
    assert [r.pk for r in board.km_over] == [fleet["far"].pk]
    print(
        [
            (r.beneficiary_id, r.balance_due, r.last_km_over, r.last_km_allowance)
            for r in board.open_rentals + board.unpaid
        ]
    )
    # Owing: the open ones by start, then the returned ones; 0,50 € is owed too.
    assert [(r.pk, r.balance_due) for r in board.unpaid] == [
        (fleet["far"].pk, Decimal("0.50")),
        (fleet["overdue"].pk, Decimal("17.50")),
        (fleet["returned_owing"].pk, Decimal("35.00")),
    ]
    assert board.unpaid_total == Decimal("53.00")
    assert board.reaching_max == board.microcredit == []


def test_the_board_lists_the_rentals_near_their_end_and_the_microcredits_to_propose(
    fleet_user, lend
):
    horizon = TODAY + timedelta(days=defaults.MAX_LENGTH_WARNING_DAYS)
    ending = lend(date(2026, 12, 1))
    ended = lend(date(2026, 12, 1))
    later = lend(date(2026, 12, 1))
    Rental.objects.filter(pk=ending.pk).update(max_end_date=horizon)
    Rental.objects.filter(pk=ended.pk).update(max_end_date=TODAY - timedelta(days=1))
    Rental.objects.filter(pk=later.pk).update(max_end_date=horizon + timedelta(days=1))
    to_propose = lend(date(2026, 12, 2))
    proposed = lend(date(2026, 12, 2))
    not_yet = lend(date(2026, 12, 2))
    Rental.objects.filter(pk=to_propose.pk).update(microcredit_from=TODAY)
    Rental.objects.filter(pk=proposed.pk).update(
        microcredit_from=TODAY - timedelta(days=7), microcredit_proposed_on=TODAY
    )
    Rental.objects.filter(pk=not_yet.pk).update(microcredit_from=TODAY + timedelta(days=1))

    board = selectors.board(fleet_user, today=TODAY)

    assert [r.pk for r in board.reaching_max] == [ending.pk, ended.pk]
    assert [r.pk for r in board.microcredit] == [to_propose.pk]


def test_a_returned_rental_no_longer_warns_of_its_end(fleet_user, lend):
    rental = lend(date(2026, 11, 18))
    Rental.objects.filter(pk=rental.pk).update(max_end_date=TODAY - timedelta(days=1))
    rental.refresh_from_db()
    assert selectors.reaching_max_length(rental, today=TODAY)
    give_back(fleet_user, rental, TODAY, 42200)
    rental.refresh_from_db()
    assert not selectors.reaching_max_length(rental, today=TODAY)


def test_the_board_page_shows_another_platform_nothing(fleet_user, other_world, fleet):
    board = selectors.board(other_world["adviser"], today=TODAY)
    assert [r.pk for r in board.open_rentals] == [other_world["rental"].pk]
    assert board.vehicle_counts["available"] == 1
    page = logged_in(fleet_user).get(reverse("fleet:board")).content.decode()
    assert "Ailleurs" not in page and other_world["vehicle"].label not in page
