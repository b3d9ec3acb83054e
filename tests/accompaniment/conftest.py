"""Fixtures of the accompaniment actions: a catalogue, open pathways, sessions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accompaniment import services
from accompaniment.demo import install_catalogue
from mobility import services as core_services
from mobility.enums import Role
from tests.api.conftest import ApiClient
from tests.factories import OrganisationFactory, ReferralFactory, member


@pytest.fixture
def api():
    return ApiClient


@pytest.fixture
def catalogue(platform, admin_user):
    return install_catalogue(platform=platform, by=admin_user)


@pytest.fixture
def partner(platform):
    return OrganisationFactory(platform=platform, kind="partner", name="Garage solidaire")


@pytest.fixture
def funder_org(platform):
    return OrganisationFactory(platform=platform, funder=True, name="Conseil départemental")


def open_pathway(prescriber_org, adviser, *, days_ago=30, **person):
    referral = ReferralFactory(
        prescriber=prescriber_org,
        received_on=timezone.localdate() - timedelta(days=days_ago + 1),
        **person,
    )
    referral = core_services.referral_accept(
        referral=referral, by=adviser, opened_on=timezone.localdate() - timedelta(days=days_ago)
    )
    return referral.pathway


@pytest.fixture
def pathway(prescriber_org, adviser):
    return open_pathway(prescriber_org, adviser)


def schedule(by, action_type, *, days=7, capacity=8, hour=9):
    start = timezone.now().replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(
        days=days
    )
    return services.session_schedule(
        by=by,
        action_type=action_type,
        start=start,
        duration_minutes=120,
        place="Maison de la mobilité",
        capacity=capacity,
    )


@pytest.fixture
def session(adviser, catalogue):
    return schedule(adviser, catalogue["mobility_workshop"])


@pytest.fixture
def past_session(adviser, catalogue):
    return schedule(adviser, catalogue["mobility_workshop"], days=-1)


@pytest.fixture
def instructor(platform):
    return member(Role.INSTRUCTOR, platform)
