"""Who may open which page: anonymous people sign in, other roles get 403 or 404."""

import pytest
from django.urls import reverse

from mobility import services
from tests.conftest import logged_in
from tests.factories import ReferralFactory
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db

PERSON = "Zoé Vermandois"


@pytest.fixture
def accepted(prescriber_org, adviser):
    referral = ReferralFactory(prescriber=prescriber_org, first_name="Zoé", last_name="Vermandois")
    return services.referral_accept(referral=referral, by=adviser)


def every_page(referral):
    return [
        reverse("home"),
        reverse("referral_list"),
        reverse("referral_create"),
        reverse("referral_detail", args=[referral.pk]),
        reverse("beneficiary_list"),
        reverse("beneficiary_detail", args=[referral.beneficiary_id]),
    ]


def test_anonymous_visitors_are_sent_to_the_sign_in_page(client, accepted):
    for url in every_page(accepted):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login") + "?next=")


def test_a_funder_sees_no_personal_data_on_any_page(funder, accepted):
    client = logged_in(funder)
    for url in every_page(accepted):
        response = client.get(url)
        assert response.status_code in {200, 403}, url
        page = response.content.decode()
        assert "Vermandois" not in page and "VERMANDOIS" not in page, url
        assert "Zoé" not in page, url


def test_a_funder_is_refused_the_casework_pages(funder, accepted):
    client = logged_in(funder)
    for url in every_page(accepted)[1:]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Vous n'avez pas accès à cette page" in response.content.decode()


def test_fleet_and_instructors_may_not_open_referrals(fleet_user, instructor, accepted):
    for user in (fleet_user, instructor):
        client = logged_in(user)
        for url in (
            reverse("referral_list"),
            reverse("referral_create"),
            reverse("referral_detail", args=[accepted.pk]),
        ):
            assert client.get(url).status_code == 403, url


def test_a_prescriber_may_not_open_the_beneficiary_files(prescriber, accepted):
    client = logged_in(prescriber)

    with nothing_written():
        assert client.get(reverse("beneficiary_list")).status_code == 403
    response = client.get(reverse("beneficiary_detail", args=[accepted.beneficiary_id]))
    assert response.status_code == 403


def test_an_unknown_page_gets_the_french_404_page(adviser):
    response = logged_in(adviser).get("/nulle-part/")

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
