"""The acceptance of a fiche received earlier keeps the day of the decision (issue 11,
item 10): the page asks for it, the service checks it, a wrong day is a French form error."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mobility.enums import ReferralStatus
from mobility.models import Pathway
from tests.conftest import logged_in
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def test_a_fiche_received_today_asks_no_date(adviser, prescriber_org):
    fiche = ReferralFactory(prescriber=prescriber_org, received_on=timezone.localdate())
    page = logged_in(adviser).get(reverse("referral_detail", args=[fiche.pk]))
    assert "opened_on" not in page.context["accept_form"].fields


def test_a_decision_typed_in_later_opens_the_pathway_that_day(adviser, prescriber_org):
    fiche = ReferralFactory(
        prescriber=prescriber_org, received_on=timezone.localdate() - timedelta(days=10)
    )
    client = logged_in(adviser)
    page = client.get(reverse("referral_detail", args=[fiche.pk])).content.decode()
    assert "Date de la décision" in page
    day = fiche.received_on + timedelta(days=3)

    response = client.post(reverse("referral_accept", args=[fiche.pk]), {"opened_on": day})

    assert response.status_code == 302
    fiche.refresh_from_db()
    assert fiche.pathway.opened_on == day


def test_a_day_before_the_reception_is_a_french_form_error(adviser, prescriber_org):
    fiche = ReferralFactory(
        prescriber=prescriber_org, received_on=timezone.localdate() - timedelta(days=10)
    )
    response = logged_in(adviser).post(
        reverse("referral_accept", args=[fiche.pk]),
        {"opened_on": fiche.received_on - timedelta(days=1)},
    )
    assert response.status_code == 200
    assert "entre la réception et aujourd" in str(response.context["accept_form"].errors)
    fiche.refresh_from_db()
    assert fiche.status == ReferralStatus.SUBMITTED
    assert not Pathway.objects.exists()
