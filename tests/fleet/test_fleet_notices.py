"""Items 1, 7 and 8 of issue 11 (fleet part): the microcredit proposal is a task on the
board, a notice to the referent and a recorded outcome; the referent hears of a rental's
start and end; a km overage beyond a margin and a check-in overdue by some days reach the
adviser and the referent (the latter through the daily job `fleet_alerts`)."""

from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from fleet import defaults, rules, selectors, services
from fleet.models import FleetSettings
from mobility import jobs
from mobility.enums import OrganisationKind
from mobility.errors import Conflict, InvalidInput
from mobility.models import Notification
from tests.conftest import logged_in
from tests.factories import OrganisationFactory
from tests.fleet.conftest import CONDITION_OK, VehicleFactory, days_ago, hand_over, open_pathway
from tests.nothing_written import nothing_written

PARIS = ZoneInfo("Europe/Paris")
REFERENT = "sophie.lambert@francetravail.example"


def sent(event):
    return list(Notification.objects.filter(event=event).order_by("pk"))


# ---- pure thresholds


@pytest.mark.parametrize(
    ("over", "allowance", "margin", "alert"),
    [
        ("0", "100", "10", False),  # within the allowance
        ("10", "100", "10", False),  # exactly the margin
        ("10.1", "100", "10", True),
        ("1", "0", "10", True),  # no allowance: any km over it
        ("0.1", "100", "0", True),  # no margin: any overage
    ],
)
def test_km_alert(over, allowance, margin, alert):
    assert (
        rules.km_alert(
            km_over=Decimal(over), km_allowance=Decimal(allowance), margin_percent=Decimal(margin)
        )
        is alert
    )


@pytest.mark.parametrize(
    ("late", "days", "alerted", "alert"),
    [(7, 7, False, False), (8, 7, False, True), (8, 7, True, False), (30, 7, False, True)],
)
def test_overdue_alert(late, days, alerted, alert):
    today, due = date(2026, 3, 20), date(2026, 3, 20) - timedelta(days=late)
    assert (
        rules.overdue_alert(
            due_on=due, today=today, days=days, alerted_for=due if alerted else None
        )
        is alert
    )


# ---- item 8: start and end


def test_the_referent_hears_of_the_start_and_end(fleet_user, pathway, vehicle):
    rental = hand_over(fleet_user, pathway, vehicle)
    [started] = sent("service_started")
    assert started.recipient == REFERENT
    assert "chaque semaine" in started.body
    services.rental_return(
        by=fleet_user,
        rental=rental,
        day=days_ago(0),
        odometer_km=rental.start_odometer_km + 10,
        condition=CONDITION_OK,
        end_reason="A acheté une voiture",
    )
    [ended] = sent("rental_ended")
    assert ended.recipient == REFERENT
    assert "a pris fin le" in ended.body and "A acheté une voiture" in ended.body


# ---- item 1/8: the microcredit


@pytest.fixture
def amie_rental(admin_user, platform, fleet_user, adviser, prescriber_org, vehicle):
    grid = services.shipped_grid(defaults.GRADUATED_GRID)
    services.grid_choose(by=admin_user, platform=platform, grid=grid)
    pathway = open_pathway(adviser, prescriber_org, opened_days_ago=150)
    return hand_over(fleet_user, pathway, vehicle, start=days_ago(130))  # in month 5


@pytest.fixture
def adie(platform):
    return OrganisationFactory(platform=platform, kind=OrganisationKind.PARTNER, name="ADIE")


def test_the_microcredit_is_a_task_then_a_notice_then_an_outcome(amie_rental, fleet_user, adie):
    today = timezone.localdate()
    assert [r.pk for r in selectors.board(fleet_user, today=today).microcredit] == [amie_rental.pk]
    page = logged_in(fleet_user).get(reverse("fleet:board")).content.decode()
    assert "proposer un microcrédit" in page

    services.microcredit_record(by=fleet_user, rental=amie_rental, proposed_on=today)
    [notice] = sent("microcredit_proposed")
    assert notice.recipient == REFERENT and "5e mois" in notice.body
    assert selectors.board(fleet_user, today=today).microcredit == []

    rental = services.microcredit_record(
        by=fleet_user,
        rental=amie_rental,
        proposed_on=today,
        outcome="oriented",
        partner=adie,
        notes="Rendez-vous le 12",
    )
    assert (rental.microcredit_outcome, rental.microcredit_partner) == ("oriented", adie)
    assert len(sent("microcredit_proposed")) == 1  # the referent was told once
    assert rental.history.count() >= 3  # creation, proposal, outcome


def test_an_orientation_names_its_partner(amie_rental, fleet_user, platform):
    with nothing_written(), pytest.raises(InvalidInput) as refused:
        services.microcredit_record(
            by=fleet_user, rental=amie_rental, proposed_on=days_ago(0), outcome="oriented"
        )
    assert "partner_id" in refused.value.errors
    prescriber = OrganisationFactory(platform=platform)
    with nothing_written(), pytest.raises(InvalidInput):
        services.microcredit_record(
            by=fleet_user,
            rental=amie_rental,
            proposed_on=days_ago(0),
            outcome="oriented",
            partner=prescriber,
        )


def test_no_microcredit_on_a_grid_without_one(fleet_user, rental):
    with nothing_written(), pytest.raises(Conflict):
        services.microcredit_record(by=fleet_user, rental=rental, proposed_on=days_ago(0))


def test_the_microcredit_through_the_api_and_the_page(api, amie_rental, fleet_user, adie):
    response = api(fleet_user).post(
        f"/api/v1/fleet/rentals/{amie_rental.pk}/microcredit",
        {"proposed_on": str(days_ago(1)), "outcome": "oriented", "partner_id": adie.pk},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["microcredit_outcome"] == "oriented"
    assert response.json()["microcredit_partner_id"] == adie.pk
    client = logged_in(fleet_user)
    response = client.post(
        reverse("fleet:rental_microcredit", args=[amie_rental.pk]),
        {"proposed_on": str(days_ago(1)), "outcome": "granted", "partner": adie.pk},
        follow=True,
    )
    assert "Microcrédit enregistré." in response.content.decode()
    page = client.get(reverse("fleet:rental_detail", args=[amie_rental.pk])).content.decode()
    assert "microcrédit accordé" in page


# ---- item 7: km overage


def test_a_km_overage_beyond_the_margin_reaches_adviser_and_referent(
    fleet_user, adviser, pathway, vehicle
):
    rental = hand_over(fleet_user, pathway, vehicle, start=days_ago(14))
    # 18 km one way: 43,2 km a day; 7 days = 302,4 km. 320 km is within 10 %.
    services.checkin_record(
        by=fleet_user,
        rental=rental,
        day=days_ago(7),
        odometer_km=rental.start_odometer_km + 320,
        condition=CONDITION_OK,
    )
    assert sent("fleet_alert") == []
    services.checkin_record(
        by=fleet_user,
        rental=rental,
        day=days_ago(0),
        odometer_km=rental.start_odometer_km + 320 + 700,
        condition=CONDITION_OK,
    )
    alerts = sent("fleet_alert")
    assert {n.recipient for n in alerts} == {REFERENT, adviser.email}
    assert all(
        "700 km parcourus pour un forfait de 302,4 km (397,6 km au-delà, plus de 10 % du "
        "forfait)" in n.body
        for n in alerts
    )
    assert [r.pk for r in selectors.board(fleet_user, today=days_ago(0)).km_over] == [rental.pk]
    page = logged_in(fleet_user).get(reverse("fleet:board")).content.decode()
    assert "au-delà du forfait de 302,4 km" in page


def test_the_margin_is_a_platform_setting(fleet_user, pathway, vehicle, platform):
    services.fleet_settings(platform)
    FleetSettings.objects.filter(platform=platform).update(km_alert_margin_percent=Decimal("0"))
    rental = hand_over(fleet_user, pathway, vehicle, start=days_ago(7))
    services.checkin_record(
        by=fleet_user,
        rental=rental,
        day=days_ago(0),
        odometer_km=rental.start_odometer_km + 303,
        condition=CONDITION_OK,
    )
    assert len(sent("fleet_alert")) == 2


# ---- item 7: the daily job finds overdue check-ins


def test_the_daily_job_reports_each_overdue_checkin_once(
    fleet_user, adviser, pathway, vehicle, platform, prescriber_org
):
    late = hand_over(fleet_user, pathway, vehicle, start=days_ago(20))  # due 13 days ago
    on_time = hand_over(
        fleet_user,
        open_pathway(adviser, prescriber_org),
        VehicleFactory(platform=platform),
        start=days_ago(14),  # due 7 days ago: not past the 7 days of the setting
    )
    jobs.run("fleet_alerts")
    alerts = sent("fleet_alert")
    assert {n.recipient for n in alerts} == {REFERENT, adviser.email}
    assert all(n.referral.pathway_id == late.pathway_id for n in alerts)
    assert "Point étape en retard" in alerts[0].body
    assert on_time.pathway_id not in {n.referral.pathway_id for n in alerts}

    jobs.run("fleet_alerts", manual=True)  # the same delay is not reported twice
    assert len(sent("fleet_alert")) == 2

    # A late check-in, and the next one is late too (due 12 days ago): reported again.
    services.checkin_record(
        by=fleet_user,
        rental=late,
        day=days_ago(19),
        odometer_km=late.start_odometer_km + 10,
        condition=CONDITION_OK,
    )
    jobs.run("fleet_alerts", manual=True)
    assert len(sent("fleet_alert")) == 4
