"""One fiche de liaison: its content, its feedback trail, and who may see what."""

import pytest
from django.urls import reverse

from mobility import services
from mobility.models import Notification
from tests.conftest import logged_in
from tests.factories import OrganisationFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(prescriber_org):
    return ReferralFactory(
        prescriber=prescriber_org,
        first_name="Hélène",
        last_name="Dupont",
        needs=["rental_scooter", "driving_school"],
        comment="Disponible le matin.",
    )


def url(referral):
    return reverse("referral_detail", args=[referral.pk])


def test_an_adviser_reads_the_fiche_and_may_decide(adviser, referral):
    response = logged_in(adviser).get(url(referral))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Hélène DUPONT" in page
    assert "Mission locale de Sedan" in page
    assert "location de scooter" in page.lower() and "auto-école sociale" in page.lower()
    assert "Disponible le matin." in page
    assert "3 septembre 1998" in page
    assert "badge--submitted" in page
    assert "Accepter la fiche" in page and "Refuser la fiche" in page


def test_a_prescriber_reads_its_fiche_and_its_feedback_but_cannot_decide(
    prescriber, adviser, referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_accept(referral=referral, by=adviser)

    response = logged_in(prescriber).get(url(referral))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Accepter la fiche" not in page
    assert "Fiche de liaison acceptée" in page  # the feedback trail
    assert "sophie.lambert@francetravail.example" in page
    assert "envoyé" in page
    assert "Ouvrir sa fiche bénéficiaire" not in page  # staff only


def test_the_trail_shows_a_failed_sending(adviser, referral):
    Notification.objects.create(
        platform=referral.platform,
        referral=referral,
        event="referral_received",
        recipient=referral.referent_email,
        subject="Fiche reçue",
        body="...",
        send_error="Connexion SMTP refusée",
    )

    page = logged_in(adviser).get(url(referral)).content.decode()

    assert "échec de l'envoi" in page
    assert "Connexion SMTP refusée" in page


def test_staff_get_a_link_to_the_beneficiary_once_accepted(adviser, referral):
    accepted = services.referral_accept(referral=referral, by=adviser)

    page = logged_in(adviser).get(url(referral)).content.decode()

    assert reverse("beneficiary_detail", args=[accepted.beneficiary_id]) in page
    assert "Accepter la fiche" not in page


def test_the_reason_of_a_refusal_is_shown(prescriber, adviser, referral):
    services.referral_decline(referral=referral, by=adviser, reason="Hors du territoire.")

    page = logged_in(prescriber).get(url(referral)).content.decode()

    assert "Motif du refus" in page and "Hors du territoire." in page


def test_a_prescriber_gets_404_for_another_organisations_fiche(prescriber, platform):
    elsewhere = ReferralFactory(prescriber=OrganisationFactory(platform=platform))

    response = logged_in(prescriber).get(url(elsewhere))

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_an_adviser_of_another_platform_gets_404(other_adviser, referral):
    assert logged_in(other_adviser).get(url(referral)).status_code == 404


def test_an_unknown_fiche_is_404(adviser):
    assert logged_in(adviser).get(reverse("referral_detail", args=[999999])).status_code == 404
