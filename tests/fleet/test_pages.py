"""The fleet pages: board, vehicles, hand-over, check-in, payment, return, contract PDF."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fleet import selectors, services
from fleet.models import CheckIn, Rental, Vehicle
from fleet.views import VEHICLES_PER_PAGE
from mobility.enums import Role
from tests.conftest import logged_in
from tests.factories import member
from tests.fleet.conftest import VehicleFactory, days_ago, hand_over, open_pathway
from tests.nothing_written import nothing_written
from tests.pdf_text import PERSON, check_pdf


def condition_post(**overrides):
    data = {
        f"condition_{item}": "ok" for item in ("tyres", "brakes", "lights", "body", "cleanliness")
    }
    data.update(overrides)
    return data


def test_the_board_shows_overdue_check_ins_and_unpaid_balances(fleet_user, rental):
    services.checkin_record(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=7),
        odometer_km=42100,
        condition=condition_post()
        and {"tyres": "ok", "brakes": "ok", "lights": "ok", "body": "ok", "cleanliness": "ok"},
    )
    response = logged_in(fleet_user).get(reverse("fleet:board"))
    assert response.status_code == 200
    board = response.context["board"]
    assert [item.rental.pk for item in board.overdue] == [rental.pk]
    assert [r.pk for r in board.unpaid] == [rental.pk]
    content = response.content.decode()
    assert "Points étapes en retard" in content
    assert "17,50" in content


def test_the_board_query_count_does_not_grow_with_the_fleet(
    fleet_user, adviser, prescriber_org, platform
):
    client = logged_in(fleet_user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("fleet:board")).status_code == 200
        return len(queries)

    hand_over(fleet_user, open_pathway(adviser, prescriber_org), VehicleFactory(platform=platform))
    few = count()
    for _ in range(4):
        hand_over(
            fleet_user, open_pathway(adviser, prescriber_org), VehicleFactory(platform=platform)
        )
        VehicleFactory(platform=platform, bike=True)
    assert count() == few
    assert few <= 8


@pytest.mark.parametrize("role", [Role.PRESCRIBER, Role.FUNDER, Role.INSTRUCTOR])
def test_other_roles_get_the_403_page(platform, prescriber_org, role, rental):
    user = (
        member(role, organisation=prescriber_org)
        if role == Role.PRESCRIBER
        else member(role, platform)
    )
    client = logged_in(user)
    for url in (
        reverse("fleet:board"),
        reverse("fleet:rental_detail", args=[rental.pk]),
        reverse("fleet:checkin_create", args=[rental.pk]),
    ):
        with nothing_written():
            assert client.get(url).status_code == 403


def test_another_platforms_rental_is_404(fleet_user, other_world):
    client = logged_in(fleet_user)
    pk = other_world["rental"].pk
    with nothing_written():
        assert client.get(reverse("fleet:rental_detail", args=[pk])).status_code == 404
    assert (
        client.post(reverse("fleet:checkin_create", args=[pk]), condition_post()).status_code == 404
    )


def test_adding_a_vehicle_and_sending_it_to_maintenance(fleet_user):
    client = logged_in(fleet_user)
    response = client.post(
        reverse("fleet:vehicle_list"),
        {
            "kind": "ebike",
            "label": "VAE Gitane",
            "registration": "",
            "odometer_km": "12",
            "site": "Garage",
        },
    )
    assert response.status_code == 302
    vehicle = Vehicle.objects.get()
    client.post(reverse("fleet:vehicle_status", args=[vehicle.pk]), {"status": "maintenance"})
    vehicle.refresh_from_db()
    assert vehicle.status == "maintenance"
    assert "VAE Gitane" in client.get(reverse("fleet:vehicle_list")).content.decode()


def test_the_board_names_a_few_vehicles_per_state_and_counts_them_all(fleet_user, platform):
    VehicleFactory.create_batch(selectors.BOARD_VEHICLES_PER_STATUS + 3, platform=platform)
    VehicleFactory(platform=platform, status="maintenance", label="Kangoo au garage")
    client = logged_in(fleet_user)

    response = client.get(reverse("fleet:board"))

    board = response.context["board"]
    assert board.vehicle_counts["available"] == selectors.BOARD_VEHICLES_PER_STATUS + 3
    assert len(board.vehicles_by_status["available"]) == selectors.BOARD_VEHICLES_PER_STATUS
    page = response.content.decode()
    assert "et 3 autres : voir la liste" in page
    assert "Kangoo au garage" in page
    listed = client.get(reverse("fleet:vehicle_list"), {"statut": "maintenance"})
    assert [vehicle.label for vehicle in listed.context["vehicles"]] == ["Kangoo au garage"]


def test_the_vehicle_list_goes_page_by_page_at_the_same_query_cost(fleet_user, platform):
    client = logged_in(fleet_user)
    url = reverse("fleet:vehicle_list")
    VehicleFactory.create_batch(3, platform=platform)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    VehicleFactory.create_batch(VEHICLES_PER_PAGE + 10, platform=platform)
    with CaptureQueriesContext(connection) as many:
        first = client.get(url)
    assert len(many) == len(few)
    assert len(first.context["vehicles"]) == VEHICLES_PER_PAGE
    second = client.get(url, {"page": 2})
    assert len(second.context["vehicles"]) == 13
    assert "Page 2 sur 2" in second.content.decode()


def test_a_hand_over_from_the_page(fleet_user, pathway, vehicle):
    client = logged_in(fleet_user)
    form = client.get(reverse("fleet:rental_create") + f"?parcours={pathway.pk}")
    assert form.context["form"].initial["pathway"] == pathway.pk
    response = client.post(
        reverse("fleet:rental_create"),
        {
            "pathway": pathway.pk,
            "vehicle": vehicle.pk,
            "start_date": str(days_ago(1)),
            "deposit": "150,00",
            "deposit_method": "cheque",
            "contract_signed": "on",
        },
    )
    rental = Rental.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("fleet:rental_detail", args=[rental.pk])
    assert rental.deposit == Decimal("150.00")


def test_the_page_lists_what_is_missing_for_the_hand_over(
    fleet_user, adviser, prescriber_org, vehicle
):
    pathway = open_pathway(adviser, prescriber_org, licence_held=False, licence_since=None)
    response = logged_in(fleet_user).post(
        reverse("fleet:rental_create"),
        {
            "pathway": pathway.pk,
            "vehicle": vehicle.pk,
            "start_date": str(days_ago(1)),
            "deposit": "150",
            "deposit_method": "cheque",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "contract_signed" in errors
    assert any("permis" in message for message in errors["__all__"])
    assert not Rental.objects.exists()


def test_the_handover_shows_who_may_take_what_before_the_choice(
    fleet_user, adviser, prescriber_org, platform
):
    """No car offered and nothing said why was the handover's worst trap: the page now says
    which kinds the person may take, what is missing for the others, and which vehicles
    are not offered and why."""
    VehicleFactory(platform=platform, label="Clio grise")
    VehicleFactory(platform=platform, label="C3 blanche", status="maintenance")
    VehicleFactory(platform=platform, bike=True)
    walker = open_pathway(
        adviser, prescriber_org, licence_held=False, licence_since=None, last_name="Sanspermis"
    )
    client = logged_in(fleet_user)

    first = client.get(reverse("fleet:rental_create"))
    page = html.unescape(first.content.decode())
    assert "SANSPERMIS" in page.upper() and "sans permis" in page  # the hint in the list
    assert "Voir ses conditions d'accès" in page
    assert "1 véhicule non proposé" in page and "C3 blanche" in page and "en entretien" in page

    chosen = client.get(reverse("fleet:rental_create") + f"?pathway={walker.pk}")
    eligibility = {item.kind: item for item in chosen.context["choices"].eligibility}
    assert eligibility["bike"].missing == [] and eligibility["bike"].available == 1
    assert eligibility["car"].available == 1
    assert "La personne n'a pas le permis B." in eligibility["car"].missing
    assert "Enregistrer la remise" in chosen.content.decode()


def test_a_fixed_term_contract_asks_for_its_end_before_the_save(
    fleet_user, adviser, prescriber_org, vehicle
):
    temp = open_pathway(adviser, prescriber_org, contract="cdd")

    page = logged_in(fleet_user).get(reverse("fleet:rental_create") + f"?parcours={temp.pk}")

    assert page.context["choices"].needs_contract_end
    assert "indiquez ci-dessous la date de fin du contrat" in html.unescape(page.content.decode())


def test_the_handover_page_reads_in_bounded_queries(fleet_user, adviser, prescriber_org, platform):
    pathway = open_pathway(adviser, prescriber_org)
    client = logged_in(fleet_user)
    url = reverse("fleet:rental_create") + f"?parcours={pathway.pk}"

    def count():
        client.get(url)  # the eligibility rules are created on first use
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    VehicleFactory.create_batch(2, platform=platform, status="maintenance")
    few = count()
    VehicleFactory.create_batch(20, platform=platform, status="maintenance")
    open_pathway(adviser, prescriber_org)
    assert count() == few


def test_a_check_in_from_the_tablet_page(fleet_user, rental):
    client = logged_in(fleet_user)
    page = client.get(reverse("fleet:checkin_create", args=[rental.pk]))
    assert page.status_code == 200
    assert "À ce jour" in page.content.decode()
    response = client.post(
        reverse("fleet:checkin_create", args=[rental.pk]),
        condition_post(
            date=str(rental.start_date + timedelta(days=7)),
            odometer_km="42400",
            condition_body="worn",
            payment_amount="17,50",
            payment_method="cash",
            notes="A trouvé un garage solidaire.",
        ),
        follow=True,
    )
    checkin = CheckIn.objects.get()
    assert checkin.condition["body"] == "worn"
    messages = [str(m) for m in response.context["messages"]]
    assert any("17,50" in m for m in messages)
    assert any("au-delà du forfait" in m for m in messages)


def test_the_check_in_page_shows_a_backwards_odometer_on_its_field(fleet_user, rental):
    response = logged_in(fleet_user).post(
        reverse("fleet:checkin_create", args=[rental.pk]),
        condition_post(date=str(days_ago(1)), odometer_km="100"),
    )
    assert response.status_code == 200
    assert "reculer" in response.context["form"].errors["odometer_km"][0]


def test_a_payment_without_method_is_refused_on_the_page(fleet_user, rental):
    response = logged_in(fleet_user).post(
        reverse("fleet:checkin_create", args=[rental.pk]),
        condition_post(date=str(days_ago(1)), odometer_km="42100", payment_amount="5"),
    )
    assert "payment_method" in response.context["form"].errors


def test_the_return_page_closes_the_rental_and_blocks_payments(fleet_user, rental):
    client = logged_in(fleet_user)
    response = client.post(
        reverse("fleet:rental_return", args=[rental.pk]),
        condition_post(
            date=str(days_ago(0)),
            odometer_km="42900",
            condition_body="damaged",
            damage_1_description="Pare-choc enfoncé",
            damage_1_cost="80",
            deposit_retained="80",
            deposit_retained_reason="Pare-choc.",
            payment_amount="70",
            payment_method="cash",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    rental.refresh_from_db()
    assert rental.status == "returned"
    assert Vehicle.objects.get(pk=rental.vehicle_id).status == "maintenance"
    after = client.post(
        reverse("fleet:payment_create", args=[rental.pk]),
        {"date": str(days_ago(0)), "amount": "5", "method": "cash"},
        follow=True,
    )
    assert any("rendue" in str(m) for m in after.context["messages"])
    assert client.get(reverse("fleet:checkin_create", args=[rental.pk])).status_code == 302


@pytest.mark.parametrize("page", ["fleet:checkin_create", "fleet:rental_return"])
def test_the_checklist_starts_from_the_last_recorded_condition(fleet_user, rental, page):
    """Worn tyres seen at the last check-in stay worn on the next form until someone says
    otherwise: a tap-through must not record the car as mended."""
    client = logged_in(fleet_user)
    client.post(
        reverse("fleet:checkin_create", args=[rental.pk]),
        condition_post(
            date=str(rental.start_date + timedelta(days=7)),
            odometer_km="42400",
            condition_tyres="worn",
            condition_lights="damaged",
        ),
    )

    form = client.get(reverse(page, args=[rental.pk])).context["form"]

    initial = {name: field.initial for name, field in form.fields.items()}
    assert initial["condition_tyres"] == "worn"
    assert initial["condition_lights"] == "damaged"
    assert initial["condition_brakes"] == "ok"
    assert (
        "Pré-rempli avec l'état relevé au point étape du"
        in client.get(reverse(page, args=[rental.pk])).content.decode()
    )


def test_without_a_check_in_the_checklist_starts_in_good_condition(fleet_user, rental):
    form = (
        logged_in(fleet_user).get(reverse("fleet:rental_return", args=[rental.pk])).context["form"]
    )
    assert {form.fields[f"condition_{item}"].initial for item in ("tyres", "body")} == {"ok"}


def test_the_contract_pdf(fleet_user, adviser, prescriber_org, vehicle):
    pathway = open_pathway(adviser, prescriber_org, **PERSON)
    rental = hand_over(fleet_user, pathway, vehicle)
    response = logged_in(fleet_user).get(reverse("fleet:rental_contract", args=[rental.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # A contract names who signs it (identity, address, phone), the vehicle and the money;
    # nothing more of the person.
    check_pdf(
        response.content,
        has=[
            "Yasmina BELKACEM-ROUX, né·e le 14 février 1997",
            PERSON["address"],
            PERSON["phone"],
            vehicle.registration,
            "Caution versée à la remise : 150,00 €",
            "Total de la première semaine 17,50 €",
        ],
        never=[PERSON["email"]],
    )


def test_the_beneficiary_file_lists_the_rentals(fleet_user, rental):
    response = logged_in(fleet_user).get(
        reverse("beneficiary_detail", args=[rental.beneficiary_id])
    )
    content = response.content.decode()
    assert "Locations de véhicules" in content
    assert "money--due" not in content  # nothing owed yet
    assert reverse("fleet:rental_detail", args=[rental.pk]) in content


def test_the_beneficiary_file_shows_rentals_in_bounded_queries(
    fleet_user, adviser, prescriber_org, platform, pathway
):
    client = logged_in(fleet_user)
    url = reverse("beneficiary_detail", args=[pathway.beneficiary_id])
    hand_over(fleet_user, pathway, VehicleFactory(platform=platform, bike=True), deposit="50")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for _ in range(3):
        rental = Rental.objects.filter(beneficiary_id=pathway.beneficiary_id).first()
        services.rental_return(
            by=fleet_user,
            rental=rental,
            day=days_ago(0),
            odometer_km=rental.start_odometer_km,
            condition={
                "tyres": "ok",
                "brakes": "ok",
                "lights": "ok",
                "body": "ok",
                "cleanliness": "ok",
            },
        )
        hand_over(fleet_user, pathway, VehicleFactory(platform=platform, bike=True), deposit="50")
    assert count() == few
