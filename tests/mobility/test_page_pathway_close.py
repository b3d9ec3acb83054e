"""Closing a pathway from the beneficiary file."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mobility import services
from mobility.enums import PathwayStatus, ReferralStatus
from mobility.models import Notification
from tests.conftest import logged_in
from tests.factories import ReferralFactory
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway(prescriber_org, adviser):
    referral = ReferralFactory(prescriber=prescriber_org)
    return services.referral_accept(referral=referral, by=adviser).pathway


def close_url(pathway):
    return reverse("pathway_close", args=[pathway.pk])


def closing(**overrides):
    data = {
        "closed_on": timezone.localdate().isoformat(),
        "outcome": "cdd",
        "durable_solution": "yes",
    }
    data.update(overrides)
    return data


def test_an_adviser_sees_the_close_form_on_an_open_pathway(adviser, pathway):
    page = (
        logged_in(adviser)
        .get(reverse("beneficiary_detail", args=[pathway.beneficiary_id]))
        .content.decode()
    )

    assert "Clôturer ce parcours" in page
    assert close_url(pathway) in page
    assert "sans solution d&#x27;emploi ou de formation" in page


def test_closing_records_the_outcome_and_tells_the_referents(adviser, pathway):
    response = logged_in(adviser).post(close_url(pathway), closing())

    assert response.status_code == 302
    assert response.url == reverse("beneficiary_detail", args=[pathway.beneficiary_id])
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.CLOSED
    assert pathway.outcome == "cdd"
    assert pathway.durable_solution is True
    assert pathway.closed_by == adviser
    assert pathway.referrals.get().status == ReferralStatus.CLOSED
    assert Notification.objects.filter(event="pathway_closed").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (closing(outcome=""), "outcome", "Ce champ est obligatoire."),
        (closing(outcome="loterie"), "outcome", "Sélectionnez un choix valide."),
        (closing(durable_solution=""), "durable_solution", "Ce champ est obligatoire."),
        (closing(closed_on="32/01/2026"), "closed_on", "Saisissez une date valide."),
        (
            closing(closed_on=(timezone.localdate() + timedelta(days=1)).isoformat()),
            "closed_on",
            "La date de sortie ne peut pas être dans le futur.",
        ),
        (
            closing(closed_on=(timezone.localdate() - timedelta(days=1)).isoformat()),
            "closed_on",
            "La date de sortie ne peut pas précéder l'ouverture du parcours.",
        ),
    ],
)
def test_bad_input_is_a_french_error_and_changes_nothing(adviser, pathway, data, field, message):
    response = logged_in(adviser).post(close_url(pathway), data)

    assert response.status_code == 200
    assert response.context["close_form"].errors[field][0].startswith(message.rstrip("."))
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.OPEN
    assert not Notification.objects.filter(event="pathway_closed").exists()


def test_closing_twice_gets_a_french_message(adviser, pathway):
    client = logged_in(adviser)
    client.post(close_url(pathway), closing())

    response = client.post(close_url(pathway), closing(outcome="cdi"), follow=True)

    assert "Ce parcours est déjà clôturé." in response.content.decode()
    pathway.refresh_from_db()
    assert pathway.outcome == "cdd"


@pytest.mark.parametrize("persona", ["fleet_user", "instructor", "prescriber", "funder"])
def test_other_roles_may_not_close_and_nothing_changes(request, persona, pathway):
    response = logged_in(request.getfixturevalue(persona)).post(close_url(pathway), closing())

    assert response.status_code == 403
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.OPEN


def test_an_adviser_of_another_platform_gets_404(other_adviser, pathway):
    client = logged_in(other_adviser)
    with nothing_written():
        assert client.post(close_url(pathway), closing()).status_code == 404
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.OPEN


def test_closing_accepts_only_post(adviser, pathway):
    assert logged_in(adviser).get(close_url(pathway)).status_code == 405
