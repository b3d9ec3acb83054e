"""Item 1 of issue 11: a graduated grid counts months per person across the rentals of a
pathway; at the grid's maximum the service ends unless an adviser extends it with a
reason; the visit frequency belongs to the grid."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fleet import defaults, rules, selectors, services, tariffs
from fleet.models import Rental
from mobility.errors import Forbidden, InvalidInput
from tests.conftest import logged_in
from tests.fleet.conftest import CONDITION_OK, VehicleFactory, hand_over, open_pathway
from tests.nothing_written import nothing_written
from tests.pdf_text import check_pdf

PARIS = ZoneInfo("Europe/Paris")

# ---- pure: the days of service already used


def test_no_previous_rental_starts_at_month_one():
    assert tariffs.service_days_before([], date(2026, 3, 1)) == 0
    assert tariffs.steps_start([], date(2026, 3, 1)) == date(2026, 3, 1)


def test_a_vehicle_swap_continues_the_steps():
    previous = [(date(2026, 1, 10), date(2026, 2, 10))]
    assert tariffs.steps_start(previous, date(2026, 2, 10)) == date(2026, 1, 10)


def test_a_gap_between_two_rentals_is_not_counted():
    previous = [(date(2026, 1, 10), date(2026, 2, 10))]  # 31 days
    assert tariffs.service_days_before(previous, date(2026, 3, 1)) == 31
    assert tariffs.steps_start(previous, date(2026, 3, 1)) == date(2026, 1, 29)


def test_an_open_rental_counts_up_to_the_new_start_and_overlaps_count_once():
    previous = [(date(2026, 1, 1), None), (date(2026, 1, 5), date(2026, 1, 20))]
    assert tariffs.service_days_before(previous, date(2026, 1, 31)) == 30


def test_a_rental_starting_on_or_after_the_new_start_does_not_count():
    previous = [(date(2026, 2, 1), date(2026, 2, 20)), (date(2026, 3, 1), None)]
    assert tariffs.service_days_before(previous, date(2026, 2, 1)) == 0


SPANS = st.lists(
    st.tuples(st.integers(0, 200), st.one_of(st.none(), st.integers(0, 120))), max_size=6
)


@given(spans=SPANS, start=st.integers(0, 250))
def test_days_used_are_the_days_covered_before_the_start(spans, start):
    origin = date(2026, 1, 1)
    rentals = [
        (origin + timedelta(days=s), None if n is None else origin + timedelta(days=s + n))
        for s, n in spans
    ]
    covered = {day for s, n in spans for day in range(s, start if n is None else min(s + n, start))}
    new_start = origin + timedelta(days=start)
    assert tariffs.service_days_before(rentals, new_start) == len(covered)
    assert tariffs.steps_start(rentals, new_start) <= new_start


# ---- pure: the maximum, the extension, the rhythm


def test_the_last_day_of_the_service_is_allowed_the_next_is_not():
    end = date(2026, 6, 10)
    assert rules.length_problem(day=end, max_end=end, extended_until=None) is None
    problem = rules.length_problem(day=end + timedelta(days=1), max_end=end, extended_until=None)
    assert "10/06/2026" in problem and "retour" in problem and "prolonge" in problem


def test_an_extension_moves_the_end_and_is_named_once_past():
    end, until = date(2026, 6, 10), date(2026, 7, 10)
    assert rules.length_problem(day=date(2026, 7, 1), max_end=end, extended_until=until) is None
    problem = rules.length_problem(day=date(2026, 7, 11), max_end=end, extended_until=until)
    assert "prolongation" in problem and "10/07/2026" in problem


def test_a_grid_without_maximum_never_refuses():
    assert rules.length_problem(day=date(2099, 1, 1), max_end=None, extended_until=None) is None
    assert (
        rules.new_rental_problem(start=date(2099, 1, 1), max_end=None, extended_until=None) is None
    )


@pytest.mark.parametrize(
    ("start", "refused"),
    [(date(2026, 6, 9), False), (date(2026, 6, 10), True), (date(2026, 7, 1), True)],
)
def test_a_new_rental_needs_a_day_of_service_left(start, refused):
    problem = rules.new_rental_problem(start=start, max_end=date(2026, 6, 10), extended_until=None)
    assert (problem is not None) is refused


@pytest.mark.parametrize(
    ("until", "reason", "fields"),
    [
        (date(2026, 7, 1), "Fin de CDD le 30 juin", set()),
        (date(2026, 7, 1), "  ", {"reason"}),
        (None, "Motif", {"until"}),
        (date(2026, 6, 10), "Motif", {"until"}),  # not past the end
        (date(2030, 1, 1), "Motif", {"until"}),  # beyond two years of service
    ],
)
def test_extension_problem(until, reason, fields):
    problems = rules.extension_problem(
        until=until, reason=reason, max_end=date(2026, 6, 10), start=date(2026, 1, 10)
    )
    assert set(problems) == fields


def test_no_extension_of_a_grid_without_maximum():
    problems = rules.extension_problem(
        until=date(2026, 7, 1), reason="Motif", max_end=None, start=date(2026, 1, 10)
    )
    assert set(problems) == {"until"}


@pytest.mark.parametrize(
    ("last", "frequency", "due"),
    [
        (date(2026, 1, 31), "monthly", date(2026, 2, 28)),
        (date(2026, 3, 15), "monthly", date(2026, 4, 15)),
        (date(2026, 3, 15), "weekly", date(2026, 3, 22)),
    ],
)
def test_next_checkin_follows_the_grid_rhythm(last, frequency, due):
    assert (
        rules.next_checkin_due(
            last_checkin=last, rental_start=date(2026, 1, 1), interval_days=7, frequency=frequency
        )
        == due
    )


# ---- the service, on the AMIE grid (1, 2, 3, 4, 5 € a day for a car; 5 months)


@pytest.fixture
def graduated(admin_user, platform):
    grid = services.shipped_grid(defaults.GRADUATED_GRID)
    services.grid_choose(by=admin_user, platform=platform, grid=grid)
    return grid


def checkin(user, rental, day, km):
    return services.checkin_record(
        by=user, rental=rental, day=day, odometer_km=km, condition=CONDITION_OK
    )


def give_back(user, rental, day, km):
    return services.rental_return(
        by=user, rental=rental, day=day, odometer_km=km, condition=CONDITION_OK
    )


NOW = datetime(2026, 7, 1, 12, tzinfo=PARIS)


@pytest.fixture
def person(adviser, prescriber_org):
    return open_pathway(adviser, prescriber_org, opened_days_ago=200)


@pytest.mark.time_machine(NOW)
def test_a_swap_goes_on_at_the_month_reached(graduated, fleet_user, person, platform):
    first = hand_over(
        fleet_user, person, VehicleFactory(platform=platform), start=date(2026, 1, 10)
    )
    give_back(fleet_user, first, date(2026, 2, 10), first.start_odometer_km + 100)
    second = hand_over(
        fleet_user, person, VehicleFactory(platform=platform), start=date(2026, 2, 10)
    )
    assert second.steps_start == date(2026, 1, 10)
    assert second.max_end_date == date(2026, 6, 10)
    assert second.microcredit_from == date(2026, 5, 10)
    # Month 2 at 2,00 € a day, not month 1 at 1,00 € again.
    result = checkin(fleet_user, second, date(2026, 2, 17), second.start_odometer_km + 50)
    assert result.quote.total == Decimal("14.00")


@pytest.mark.time_machine(NOW)
def test_a_quote_for_a_new_rental_goes_on_at_the_month_reached(
    graduated, fleet_user, person, platform
):
    first = hand_over(
        fleet_user, person, VehicleFactory(platform=platform), start=date(2026, 1, 10)
    )
    give_back(fleet_user, first, date(2026, 2, 10), first.start_odometer_km + 100)

    quote = services.quote_for(
        beneficiary=person.beneficiary, kind="car", start=date(2026, 2, 10), end=date(2026, 2, 17)
    )

    # Month 2 at 2,00 € a day, as the rental itself will bill, not month 1 again.
    assert quote.total == Decimal("14.00")


@pytest.mark.time_machine(NOW)
def test_past_the_maximum_a_checkin_is_refused_until_an_adviser_extends(
    graduated, fleet_user, adviser, person, vehicle
):
    rental = hand_over(fleet_user, person, vehicle, start=date(2026, 1, 10))
    km = rental.start_odometer_km
    checkin(fleet_user, rental, date(2026, 6, 10), km + 10)  # the last day: accepted
    with nothing_written(), pytest.raises(InvalidInput) as refused:
        checkin(fleet_user, rental, date(2026, 6, 20), km + 20)
    assert "10/06/2026" in refused.value.errors["date"]

    with nothing_written(), pytest.raises(Forbidden):
        services.rental_extend(
            by=fleet_user, rental=rental, until=date(2026, 7, 10), reason="Fin de CDD"
        )
    services.rental_extend(
        by=adviser, rental=rental, until=date(2026, 7, 10), reason=" Fin de CDD le 10 juillet "
    )
    rental.refresh_from_db()
    assert (rental.extended_until, rental.extension_reason) == (
        date(2026, 7, 10),
        "Fin de CDD le 10 juillet",
    )
    assert rental.history.first().history_user == adviser
    checkin(fleet_user, rental, date(2026, 6, 20), km + 20)
    # The return is always possible, past the maximum too.
    give_back(fleet_user, rental, date(2026, 6, 30), km + 30)


@pytest.mark.time_machine(NOW)
def test_a_new_rental_past_the_maximum_is_refused_without_an_extension(
    graduated, fleet_user, adviser, person, platform
):
    first = hand_over(
        fleet_user, person, VehicleFactory(platform=platform), start=date(2026, 1, 10)
    )
    give_back(fleet_user, first, date(2026, 6, 10), first.start_odometer_km + 100)
    car = VehicleFactory(platform=platform)
    with nothing_written(), pytest.raises(InvalidInput) as refused:
        hand_over(fleet_user, person, car, start=date(2026, 6, 20))
    assert "durée maximale" in refused.value.message
    with pytest.raises(Forbidden):
        hand_over(
            fleet_user,
            person,
            car,
            start=date(2026, 6, 20),
            extended_until=date(2026, 7, 31),
            extension_reason="Permis en cours",
        )
    rental = hand_over(
        adviser,
        person,
        car,
        start=date(2026, 6, 20),
        extended_until=date(2026, 7, 31),
        extension_reason="Attend le microcrédit de l'ADIE",
    )
    # 151 days used (10 January to 10 June), the gap of 10 days not counted.
    assert rental.steps_start == date(2026, 1, 20)
    assert rental.extended_until == date(2026, 7, 31)


@pytest.mark.time_machine(NOW)
def test_the_api_refuses_a_late_checkin_in_french_and_extends(
    api, graduated, fleet_user, adviser, person, vehicle
):
    rental = hand_over(fleet_user, person, vehicle, start=date(2026, 1, 10))
    body = {
        "date": "2026-06-20",
        "odometer_km": rental.start_odometer_km + 5,
        "condition": CONDITION_OK,
        "notes": "",
    }
    response = api(fleet_user).post(f"/api/v1/fleet/rentals/{rental.pk}/checkins", body)
    assert response.status_code == 422
    assert "durée maximale" in response.json()["detail"]

    response = api(fleet_user).post(
        f"/api/v1/fleet/rentals/{rental.pk}/extension", {"until": "2026-07-10", "reason": "x"}
    )
    assert response.status_code == 403
    response = api(adviser).post(
        f"/api/v1/fleet/rentals/{rental.pk}/extension", {"until": "2026-07-10", "reason": ""}
    )
    assert response.status_code == 422
    response = api(adviser).post(
        f"/api/v1/fleet/rentals/{rental.pk}/extension",
        {"until": "2026-07-10", "reason": "Fin de CDD"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["extended_until"] == "2026-07-10"
    assert response.json()["visit_frequency"] == "monthly"
    assert response.json()["steps_start"] == "2026-01-10"


@pytest.mark.time_machine(NOW)
def test_the_graduated_grid_visits_monthly_contract_board_and_due_list(
    graduated, fleet_user, person, vehicle
):
    rental = hand_over(fleet_user, person, vehicle, start=date(2026, 6, 5))
    assert rental.visit_frequency == "monthly"
    rentals = list(Rental.objects.filter(pk=rental.pk).with_last_checkin())
    assert selectors.due_on(rentals[0]) == date(2026, 7, 5)
    # Not due in the week of 22 June (a weekly grid would be overdue since 12 June).
    assert (
        selectors.due_checkins(rentals, week_start=date(2026, 6, 22), today=date(2026, 6, 22)) == []
    )
    response = logged_in(fleet_user).get(reverse("fleet:rental_contract", args=[rental.pk]))
    check_pdf(response.content, has=["Venir chaque mois au point étape"], never=["chaque semaine"])


@pytest.mark.time_machine(NOW)
def test_a_weekly_grid_contract_says_each_week(fleet_user, person, vehicle):
    rental = hand_over(fleet_user, person, vehicle, start=date(2026, 6, 5))
    assert rental.visit_frequency == "weekly"
    response = logged_in(fleet_user).get(reverse("fleet:rental_contract", args=[rental.pk]))
    check_pdf(response.content, has=["Venir chaque semaine au point étape"])


@pytest.mark.time_machine(NOW)
def test_the_board_lists_rentals_reaching_or_past_their_maximum(
    graduated, fleet_user, person, platform, adviser, prescriber_org
):
    past = hand_over(fleet_user, person, VehicleFactory(platform=platform), start=date(2026, 1, 10))
    near = hand_over(
        fleet_user,
        open_pathway(adviser, prescriber_org, opened_days_ago=200),
        VehicleFactory(platform=platform),
        start=date(2026, 2, 5),  # ends 5 July
    )
    far = hand_over(
        fleet_user,
        open_pathway(adviser, prescriber_org, opened_days_ago=200),
        VehicleFactory(platform=platform),
        start=date(2026, 6, 1),
    )
    board = selectors.board(fleet_user, today=NOW.date())
    assert {r.pk for r in board.reaching_max} == {past.pk, near.pk}
    assert far.pk not in {r.pk for r in board.reaching_max}
    page = logged_in(fleet_user).get(reverse("fleet:board")).content.decode()
    assert "durée maximale dépassée le 10 juin" in page


@pytest.mark.time_machine(NOW)
def test_the_handover_page_asks_an_adviser_for_the_extension(
    graduated, fleet_user, adviser, person, platform
):
    first = hand_over(
        fleet_user, person, VehicleFactory(platform=platform), start=date(2026, 1, 10)
    )
    give_back(fleet_user, first, date(2026, 6, 10), first.start_odometer_km + 100)
    car = VehicleFactory(platform=platform)
    client = logged_in(adviser)
    fields = {
        "pathway": person.pk,
        "vehicle": car.pk,
        "start_date": "2026-06-25",
        "deposit": "150",
        "deposit_method": "cheque",
        "contract_signed": "on",
    }
    response = client.post(reverse("fleet:rental_create"), fields)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "extended_until" in errors and "extension_reason" in errors
    assert 'name="extension_reason"' in response.content.decode()
    response = client.post(
        reverse("fleet:rental_create"),
        {**fields, "extended_until": "2026-08-31", "extension_reason": "Attend l'ADIE"},
    )
    assert response.status_code == 302
    assert Rental.objects.get(vehicle=car).extended_until == date(2026, 8, 31)
