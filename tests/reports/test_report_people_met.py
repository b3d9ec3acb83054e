"""`people.met` counts the people whose pathway opened in the period (issue 11, item 10):
a fiche received in one period and accepted in the next counts in the next."""

import datetime as dt

import pytest
from django.utils import timezone

from mobility import services
from mobility.enums import Role
from mobility.reports.queries import Scope, people_met
from tests.factories import OrganisationFactory, ReferralFactory, member

pytestmark = pytest.mark.django_db


def met(platform, start, end, **filters) -> int:
    scope = Scope(
        start=start,
        end=end,
        platform_ids=(platform.pk,),
        today=timezone.localdate(),
        **filters,
    )
    return people_met(scope).own["met"]


def test_a_fiche_received_in_one_month_and_accepted_in_the_next_counts_in_the_next(platform):
    today = timezone.localdate()
    received = today - dt.timedelta(days=100)
    accepted = today - dt.timedelta(days=40)
    organisation = OrganisationFactory(platform=platform)
    adviser = member(Role.ADVISER, platform)
    fiche = ReferralFactory(prescriber=organisation, received_on=received)
    services.referral_accept(referral=fiche, by=adviser, opened_on=accepted)

    around_reception = (received - dt.timedelta(days=5), received + dt.timedelta(days=5))
    around_decision = (accepted - dt.timedelta(days=5), accepted + dt.timedelta(days=5))
    assert met(platform, *around_reception) == 0
    assert met(platform, *around_decision) == 1
    assert met(platform, *around_decision, prescriber_id=organisation.pk) == 1
    other = OrganisationFactory(platform=platform, name="CCAS")
    assert met(platform, *around_decision, prescriber_id=other.pk) == 0


def test_a_second_fiche_joining_an_open_pathway_does_not_count_the_person_again(platform):
    today = timezone.localdate()
    organisation = OrganisationFactory(platform=platform)
    adviser = member(Role.ADVISER, platform)
    first = ReferralFactory(
        prescriber=organisation, received_on=today - dt.timedelta(days=60), first_name="Léa"
    )
    first = services.referral_accept(
        referral=first, by=adviser, opened_on=today - dt.timedelta(days=60)
    )
    second = ReferralFactory(
        prescriber=organisation,
        received_on=today - dt.timedelta(days=5),
        first_name=first.first_name,
        last_name=first.last_name,
        birth_date=first.birth_date,
    )
    services.referral_accept(
        referral=second, by=adviser, beneficiary=first.beneficiary, opened_on=today
    )
    assert met(platform, today - dt.timedelta(days=10), today) == 0
    assert met(platform, today - dt.timedelta(days=70), today) == 1
