"""Each model's `for_user` is the one tenancy scope: who sees what, per role."""

import pytest

from mobility import services
from mobility.enums import Role
from mobility.models import Beneficiary, Notification, Organisation, Pathway, Referral, User
from tests.factories import OrganisationFactory, ReferralFactory, member


@pytest.fixture
def world(platform, other_platform, prescriber_org, adviser):
    """Two referrals from two prescribers of the platform, one from another platform."""
    other_org = OrganisationFactory(platform=platform, name="CCAS de Sedan")
    mine = services.referral_accept(referral=ReferralFactory(prescriber=prescriber_org), by=adviser)
    theirs = ReferralFactory(prescriber=other_org)
    elsewhere = ReferralFactory(prescriber=OrganisationFactory(platform=other_platform))
    return {"mine": mine, "theirs": theirs, "elsewhere": elsewhere}


def visible(model, user):
    return set(model.objects.for_user(user).values_list("pk", flat=True))


def test_an_adviser_sees_the_whole_platform_and_nothing_else(world, adviser):
    assert visible(Referral, adviser) == {world["mine"].pk, world["theirs"].pk}
    assert visible(Beneficiary, adviser) == {world["mine"].beneficiary_id}
    assert visible(Pathway, adviser) == {world["mine"].pathway_id}


def test_a_prescriber_sees_only_its_organisations_referrals_and_their_feedback(world, prescriber):
    assert visible(Referral, prescriber) == {world["mine"].pk}
    assert visible(Beneficiary, prescriber) == set()
    assert visible(Pathway, prescriber) == set()
    assert {n.referral_id for n in Notification.objects.for_user(prescriber)} == {world["mine"].pk}
    assert visible(Organisation, prescriber) == {world["mine"].prescriber_id}


def test_a_funder_sees_no_personal_data(world, platform):
    funder = member(Role.FUNDER, platform)
    for model in (Referral, Beneficiary, Pathway, Notification):
        assert visible(model, funder) == set()


@pytest.mark.parametrize("role", [Role.FLEET, Role.INSTRUCTOR])
def test_fleet_and_instructors_see_people_but_not_referrals(world, platform, role):
    user = member(role, platform)
    assert visible(Beneficiary, user) == {world["mine"].beneficiary_id}
    assert visible(Referral, user) == set()


def test_a_deactivated_user_sees_nothing(world, adviser):
    User.objects.filter(pk=adviser.pk).update(is_active=False)
    assert visible(Referral, User.objects.get(pk=adviser.pk)) == set()


def test_a_deactivated_platform_is_invisible_to_its_staff(world, adviser, platform):
    platform.is_active = False
    platform.save()
    assert visible(Referral, User.objects.get(pk=adviser.pk)) == set()
