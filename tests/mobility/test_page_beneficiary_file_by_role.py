"""Fleet staff and instructors read of a person's file only what their work needs."""

import pytest
from django.urls import reverse

from mobility import services
from mobility.enums import Role
from mobility.visibility import visible_sections
from tests.conftest import logged_in
from tests.factories import ReferralFactory, member

pytestmark = pytest.mark.django_db

ADDRESS = "12 rue des Tilleuls"
SECRET_NOTE = "Ne lit pas le français"


@pytest.fixture
def accepted(prescriber_org, adviser):
    referral = ReferralFactory(
        prescriber=prescriber_org,
        first_name="Inès",
        last_name="Benali",
        phone="06 11 22 33 44",
        email="ines.benali@example.org",
        address=ADDRESS,
        rsa=True,
        rqth=True,
        licence_held=True,
        comment=SECRET_NOTE,
        project=SECRET_NOTE,
    )
    return services.referral_accept(referral=referral, by=adviser)


def page_as(role, accepted) -> str:
    user = member(role, accepted.platform)
    response = logged_in(user).get(reverse("beneficiary_detail", args=[accepted.beneficiary_id]))
    assert response.status_code == 200
    return response.content.decode()


CASEWORK_ONLY = (
    ADDRESS,  # the address
    "RQTH",  # the social status
    "Parcours n°",  # pathways, their diagnostics and outcome
    "Fiches de liaison",  # the referrals
    "Historique",  # every change of every field
    "Consultations",  # the consultation log
    reverse("referral_list"),
)


@pytest.mark.parametrize("role", [Role.FLEET, Role.INSTRUCTOR])
def test_fleet_staff_and_instructors_read_the_name_and_contact_only(role, accepted):
    page = page_as(role, accepted)

    assert "Inès BENALI" in page
    assert "06 11 22 33 44" in page and "ines.benali@example.org" in page
    for secret in CASEWORK_ONLY:
        assert secret not in page, secret


def test_fleet_staff_also_read_the_age_licence_and_work_contract(accepted):
    page = page_as(Role.FLEET, accepted)

    assert "Date de naissance" in page
    assert "Permis B" in page
    assert "CDD" in page
    assert "Locations de véhicules" in page
    assert "Auto-école sociale" not in page


def test_instructors_also_read_the_driving_school_part(accepted):
    page = page_as(Role.INSTRUCTOR, accepted)

    assert "Auto-école sociale" in page
    assert "Date de naissance" not in page
    assert "Locations de véhicules" not in page


def test_advisers_read_the_whole_file_but_not_the_consultation_log(accepted):
    page = page_as(Role.ADVISER, accepted)

    for part in (ADDRESS, "RQTH", "Parcours n°", "Fiches de liaison", "Historique"):
        assert part in page, part
    assert "Consultations" not in page


def test_a_user_with_two_roles_sees_what_either_allows():
    assert visible_sections({Role.FLEET, Role.INSTRUCTOR}) >= visible_sections(
        {Role.FLEET}
    ) | visible_sections({Role.INSTRUCTOR})
    assert visible_sections({Role.PRESCRIBER, Role.FUNDER}) == frozenset()
