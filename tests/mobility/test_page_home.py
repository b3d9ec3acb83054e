import pytest
from django.urls import reverse

from mobility import services
from tests.conftest import logged_in
from tests.factories import ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "destination"),
    [
        ("admin_user", "/fiches/?status=submitted"),
        ("adviser", "/fiches/?status=submitted"),
        ("prescriber", "/fiches/"),
        ("fleet_user", "/flotte/"),
        ("instructor", "/auto-ecole/semaine/"),
    ],
)
def test_each_role_starts_where_its_work_is(request, persona, destination):
    user = request.getfixturevalue(persona)

    response = logged_in(user).get(reverse("home"))

    assert response.status_code == 302
    assert response.url == destination


def test_a_funder_sees_the_platforms_it_funds_and_no_one(funder, platform, prescriber_org, adviser):
    referral = ReferralFactory(prescriber=prescriber_org, last_name="Castelnau")
    services.referral_accept(referral=referral, by=adviser)

    response = logged_in(funder).get(reverse("home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Espace financeur" in page
    assert platform.name in page
    assert "bilans" in page
    assert "Castelnau" not in page and "CASTELNAU" not in page
    assert "Fiches de liaison" not in page  # no navigation towards personal data


def test_someone_without_a_role_gets_a_polite_page():
    user = UserFactory(first_name="Léa", last_name="Petit")

    response = logged_in(user).get(reverse("home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Bienvenue, Léa Petit" in page
    assert "aucun rôle" in page
