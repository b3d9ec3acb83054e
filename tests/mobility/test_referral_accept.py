from datetime import timedelta

import pytest
from django.core import mail

from mobility import services
from mobility.enums import PathwayStatus, ReferralStatus
from mobility.errors import Conflict, DuplicatePerson, Forbidden, InvalidInput
from mobility.models import Beneficiary, Notification, Pathway
from tests.factories import BeneficiaryFactory, ReferralFactory


@pytest.fixture
def referral(prescriber_org):
    return ReferralFactory(
        prescriber=prescriber_org, first_name="Hélène", last_name="Dupont-Martin"
    )


def test_accepting_creates_the_beneficiary_and_opens_a_pathway(
    referral, adviser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accepted = services.referral_accept(referral=referral, by=adviser)

    assert accepted.status == ReferralStatus.ACCEPTED
    assert accepted.beneficiary.last_name == "Dupont-Martin"
    assert accepted.beneficiary.platform == referral.platform
    assert accepted.pathway.status == PathwayStatus.OPEN
    assert accepted.decided_by == adviser
    notification = Notification.objects.get(referral=referral, event="referral_accepted")
    assert notification.sent_at is not None
    assert mail.outbox[-1].to == [referral.referent_email]
    assert "acceptée" in mail.outbox[-1].subject


def test_a_referral_cannot_be_accepted_twice(referral, adviser):
    services.referral_accept(referral=referral, by=adviser)
    with pytest.raises(Conflict):
        services.referral_accept(referral=referral, by=adviser)
    assert Pathway.objects.count() == 1


def test_a_known_person_is_offered_for_merge_not_doubled(referral, adviser):
    existing = BeneficiaryFactory(
        platform=referral.platform,
        first_name="helene",
        last_name="DUPONT MARTIN",
        birth_date=referral.birth_date,
    )
    with pytest.raises(DuplicatePerson) as error:
        services.referral_accept(referral=referral, by=adviser)
    assert error.value.candidates == [existing.pk]
    assert Beneficiary.objects.count() == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED

    accepted = services.referral_accept(referral=referral, by=adviser, beneficiary=existing)
    assert accepted.beneficiary == existing
    assert Beneficiary.objects.count() == 1


def test_an_adviser_of_another_platform_cannot_accept(referral, other_adviser):
    with pytest.raises(Forbidden):
        services.referral_accept(referral=referral, by=other_adviser)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_a_decision_typed_in_later_dates_the_pathway_from_the_given_day(referral, adviser):
    day = referral.received_on + timedelta(days=1)
    accepted = services.referral_accept(referral=referral, by=adviser, opened_on=day)
    assert accepted.pathway.opened_on == day


@pytest.mark.parametrize("offset", [-1, 3])
def test_a_pathway_cannot_open_before_the_referral_arrived_or_in_the_future(
    referral, adviser, offset
):
    # the referral was received two days ago: -1 day before that, or +1 day after today
    day = referral.received_on + timedelta(days=offset)
    with pytest.raises(InvalidInput):
        services.referral_accept(referral=referral, by=adviser, opened_on=day)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert not Pathway.objects.exists()
