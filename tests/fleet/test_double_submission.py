"""A fleet form sent twice (a double tap, a resend after a timeout, the back button)
records once: one rental, one check-in, one payment, one return."""

from datetime import timedelta

import pytest
from django.urls import reverse

from fleet.enums import EntryKind
from fleet.models import CheckIn, LedgerEntry, Rental
from tests.conftest import logged_in
from tests.fleet.conftest import days_ago
from tests.fleet.test_pages import condition_post
from tests.form_posts import form_token

pytestmark = pytest.mark.django_db

ALREADY_SENT = "Ce formulaire a déjà été envoyé : rien n&#x27;a été enregistré deux fois."


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def post_twice(client, url, data):
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    return first, second


def test_a_hand_over_sent_twice_creates_one_rental(fleet_user, pathway, vehicle):
    client = logged_in(fleet_user)
    url = reverse("fleet:rental_create")
    data = {
        # The form shows once the person is chosen (their conditions come first).
        "form_token": form_token(client, f"{url}?parcours={pathway.pk}"),
        "pathway": pathway.pk,
        "vehicle": vehicle.pk,
        "start_date": str(days_ago(1)),
        "deposit": "150,00",
        "deposit_method": "cheque",
        "contract_signed": "on",
    }

    first, second = post_twice(client, url, data)

    rental = Rental.objects.get()
    assert first["Location"] == reverse("fleet:rental_detail", args=[rental.pk])
    assert second.redirect_chain[-1][0] == first["Location"]
    assert ALREADY_SENT in second.content.decode()
    assert LedgerEntry.objects.filter(kind=EntryKind.DEPOSIT_IN).count() == 1


def test_a_check_in_with_payment_sent_twice_records_one_check_in_and_one_payment(
    fleet_user, rental
):
    client = logged_in(fleet_user)
    url = reverse("fleet:checkin_create", args=[rental.pk])
    data = condition_post(
        form_token=form_token(client, url),
        date=str(rental.start_date + timedelta(days=7)),
        odometer_km="42400",
        payment_amount="17,50",
        payment_method="cash",
    )

    _first, second = post_twice(client, url, data)

    assert CheckIn.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
    assert second.redirect_chain[-1][0] == reverse("fleet:rental_detail", args=[rental.pk])
    assert any("déjà été envoyé" in message for message in messages_of(second))


def test_a_payment_sent_twice_is_recorded_once(fleet_user, rental):
    client = logged_in(fleet_user)
    data = {
        "form_token": form_token(client, reverse("fleet:rental_detail", args=[rental.pk])),
        "date": str(days_ago(0)),
        "amount": "20",
        "method": "transfer",
    }

    _first, second = post_twice(client, reverse("fleet:payment_create", args=[rental.pk]), data)

    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
    assert any("déjà été envoyé" in message for message in messages_of(second))


def test_a_return_sent_twice_says_it_was_already_sent_not_that_the_rental_is_closed(
    fleet_user, rental
):
    client = logged_in(fleet_user)
    url = reverse("fleet:rental_return", args=[rental.pk])
    data = condition_post(
        form_token=form_token(client, url),
        date=str(days_ago(0)),
        odometer_km="42900",
        deposit_retained="0",
        payment_amount="30",
        payment_method="cash",
    )

    _first, second = post_twice(client, url, data)

    rental.refresh_from_db()
    assert rental.status == "returned"
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.DEPOSIT_REFUND).count() == 1
    said = messages_of(second)
    assert "Ce formulaire a déjà été envoyé : rien n'a été enregistré deux fois." in said
    assert not any("rendue" in message for message in said)


def test_a_form_refused_for_an_error_can_be_corrected_and_sent_with_the_same_token(
    fleet_user, rental
):
    client = logged_in(fleet_user)
    url = reverse("fleet:checkin_create", args=[rental.pk])
    token = form_token(client, url)

    refused = client.post(
        url, condition_post(form_token=token, date=str(days_ago(0)), odometer_km="1")
    )
    assert "reculer" in refused.context["form"].errors["odometer_km"][0]
    assert f'value="{token}"' in refused.content.decode()

    accepted = client.post(
        url, condition_post(form_token=token, date=str(days_ago(0)), odometer_km="42400")
    )
    assert accepted.status_code == 302
    assert CheckIn.objects.count() == 1


def test_two_forms_rendered_one_after_the_other_are_two_payments(fleet_user, rental):
    client = logged_in(fleet_user)
    detail = reverse("fleet:rental_detail", args=[rental.pk])
    url = reverse("fleet:payment_create", args=[rental.pk])
    for _ in range(2):
        data = {"form_token": form_token(client, detail), "date": str(days_ago(0))}
        client.post(url, {**data, "amount": "10", "method": "cash"})

    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 2


def test_every_fleet_money_form_carries_a_one_time_token(fleet_user, rental):
    client = logged_in(fleet_user)
    for url in (
        reverse("fleet:rental_create") + f"?parcours={rental.pathway_id}",
        reverse("fleet:checkin_create", args=[rental.pk]),
        reverse("fleet:rental_detail", args=[rental.pk]),  # the payment form
        reverse("fleet:rental_return", args=[rental.pk]),
    ):
        assert form_token(client, url)
