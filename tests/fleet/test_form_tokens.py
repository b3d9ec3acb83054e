"""The one-time form token itself: signed, refused once too old or altered (the form says
so and offers a fresh one), and safe when two sends race."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fleet.enums import EntryKind
from fleet.models import LedgerEntry
from mobility.models import FormSubmission
from tests.conftest import logged_in
from tests.fleet.conftest import days_ago
from tests.fleet.test_rental_race import require_postgresql, run_together
from tests.form_posts import TOKEN, form_token


def payment(token: str) -> dict:
    return {"form_token": token, "date": str(days_ago(0)), "amount": "12", "method": "cash"}


def payments() -> int:
    return LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count()


@pytest.mark.django_db
def test_a_token_older_than_its_lifetime_is_refused_with_a_fresh_one_offered(
    fleet_user, rental, monkeypatch
):
    client = logged_in(fleet_user)
    url = reverse("fleet:checkin_create", args=[rental.pk])
    token = form_token(client, url)
    later = timezone.now().timestamp() + 49 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    response = client.post(url, {"form_token": token, "date": str(days_ago(0))})

    assert response.status_code == 200
    assert "ouvert depuis trop longtemps" in response.content.decode()
    fresh = TOKEN.findall(response.content.decode())
    assert fresh and fresh[0] != token
    assert not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_an_altered_token_is_refused_and_records_nothing(fleet_user, rental):
    client = logged_in(fleet_user)
    url = reverse("fleet:payment_create", args=[rental.pk])

    response = client.post(url, payment("n-importe-quoi:abc:def"), follow=True)

    assert payments() == 0
    assert any("pas valide" in str(m) for m in response.context["messages"])


@pytest.mark.django_db(transaction=True)
def test_two_sends_racing_with_one_token_record_one_payment(fleet_user, rental):
    require_postgresql()
    token = form_token(logged_in(fleet_user), reverse("fleet:rental_detail", args=[rental.pk]))
    url = reverse("fleet:payment_create", args=[rental.pk])

    def send(_):
        client = Client()
        client.force_login(fleet_user)
        return client.post(url, payment(token)).status_code

    results = run_together(send, range(4))

    assert results == [("ok", 302)] * 4
    assert payments() == 1
    assert FormSubmission.objects.count() == 1
