"""Accepting or declining a fiche de liaison from its page."""

import pytest
from django.core import mail
from django.urls import reverse

from mobility import services
from mobility.enums import PathwayStatus, ReferralStatus
from mobility.models import Beneficiary, Notification, Pathway
from tests.conftest import logged_in
from tests.factories import BeneficiaryFactory, ReferralFactory
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(prescriber_org):
    return ReferralFactory(prescriber=prescriber_org, first_name="Hélène", last_name="Dupont")


def accept_url(referral):
    return reverse("referral_accept", args=[referral.pk])


def decline_url(referral):
    return reverse("referral_decline", args=[referral.pk])


def detail_url(referral):
    return reverse("referral_detail", args=[referral.pk])


def test_accepting_opens_a_pathway_and_tells_the_referent(
    adviser, referral, django_capture_on_commit_callbacks
):
    client = logged_in(adviser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(accept_url(referral))

    referral.refresh_from_db()
    # The adviser lands on the person's file, where the entry diagnostic starts.
    assert response.status_code == 302
    assert response.url == reverse("beneficiary_detail", args=[referral.beneficiary_id])
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.pathway.status == PathwayStatus.OPEN
    assert referral.decided_by == adviser
    assert Notification.objects.filter(event="referral_accepted").count() == 1
    assert "acceptée" in mail.outbox[-1].subject
    assert "le parcours est ouvert" in client.get(response.url).content.decode()


def test_declining_needs_a_reason_and_changes_nothing_without_it(adviser, referral):
    response = logged_in(adviser).post(decline_url(referral), {"reason": "   "})

    assert response.status_code == 200
    assert response.context["decline_form"].errors["reason"] == ["Indiquez le motif du refus."]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert not Notification.objects.exists()


def test_declining_records_the_reason_and_tells_the_referent(adviser, referral):
    response = logged_in(adviser).post(decline_url(referral), {"reason": "Hors du territoire."})

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "Hors du territoire."
    assert Notification.objects.get().event == "referral_declined"


def test_a_fiche_already_handled_gets_a_french_message_not_an_error(adviser, referral):
    services.referral_decline(referral=referral, by=adviser, reason="Hors du territoire.")
    client = logged_in(adviser)

    response = client.post(accept_url(referral), follow=True)

    assert response.status_code == 200
    assert "elle ne peut plus changer" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert not Pathway.objects.exists()


def test_accepting_twice_says_why_even_when_the_person_is_now_known(adviser, referral):
    client = logged_in(adviser)
    client.post(accept_url(referral))

    # The beneficiary just created now looks like a duplicate of the fiche's person.
    response = client.post(accept_url(referral), follow=True)

    assert "elle ne peut plus changer" in response.content.decode()
    assert Beneficiary.objects.count() == 1
    assert Pathway.objects.count() == 1


def test_the_decision_urls_accept_only_post(adviser, referral):
    client = logged_in(adviser)

    assert client.get(accept_url(referral)).status_code == 405
    assert client.get(decline_url(referral)).status_code == 405


@pytest.mark.parametrize("persona", ["fleet_user", "instructor", "prescriber", "funder"])
def test_other_roles_may_not_decide_and_nothing_changes(request, persona, referral):
    client = logged_in(request.getfixturevalue(persona))

    with nothing_written():
        assert client.post(accept_url(referral)).status_code == 403
    with nothing_written():
        assert client.post(decline_url(referral), {"reason": "Non."}).status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert not Pathway.objects.exists()


def test_an_adviser_of_another_platform_gets_404_and_nothing_changes(other_adviser, referral):
    client = logged_in(other_adviser)

    with nothing_written():
        assert client.post(accept_url(referral)).status_code == 404
    with nothing_written():
        assert client.post(decline_url(referral), {"reason": "Non."}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


@pytest.fixture
def known_person(referral):
    return BeneficiaryFactory(
        platform=referral.platform,
        first_name="helene",
        last_name="DUPONT",
        birth_date=referral.birth_date,
        commune="Bazeilles",
    )


def test_a_possible_duplicate_is_shown_with_its_details(adviser, referral, known_person):
    page = logged_in(adviser).get(detail_url(referral)).content.decode()

    assert "La plateforme suit peut-être déjà cette personne" in page
    assert "Bazeilles" in page
    assert f'value="{known_person.pk}"' in page
    assert 'value="new"' in page


def test_accepting_without_saying_who_it_is_asks_again(adviser, referral, known_person):
    response = logged_in(adviser).post(accept_url(referral))

    assert response.status_code == 200
    assert response.context["accept_form"].errors["person"] == [
        "Indiquez s'il s'agit d'une personne déjà suivie."
    ]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_it_is_this_person_links_the_fiche_to_the_known_beneficiary(
    adviser, referral, known_person
):
    response = logged_in(adviser).post(accept_url(referral), {"person": known_person.pk})

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.beneficiary == known_person
    assert Beneficiary.objects.count() == 1


def test_it_is_another_person_creates_a_second_beneficiary(adviser, referral, known_person):
    response = logged_in(adviser).post(accept_url(referral), {"person": "new"})

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.beneficiary != known_person
    assert Beneficiary.objects.count() == 2


def test_someone_outside_the_candidates_cannot_be_chosen(adviser, referral, known_person):
    stranger = BeneficiaryFactory(platform=referral.platform)

    response = logged_in(adviser).post(accept_url(referral), {"person": stranger.pk})

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.context["accept_form"].errors["person"][0]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_a_duplicate_appearing_meanwhile_is_offered_not_doubled(adviser, referral):
    client = logged_in(adviser)
    client.get(detail_url(referral))  # the page showed no candidate...
    BeneficiaryFactory(  # ...then a colleague created the same person
        platform=referral.platform,
        first_name="Hélène",
        last_name="Dupont",
        birth_date=referral.birth_date,
    )

    response = client.post(accept_url(referral), follow=True)

    page = response.content.decode()
    # The candidates are recomputed at POST time, so the choice is required.
    assert "Indiquez s&#x27;il s&#x27;agit d&#x27;une personne déjà suivie." in page
    assert Beneficiary.objects.count() == 1
