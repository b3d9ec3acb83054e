"""Fixtures of the auto-école sociale: people enrolled through the services, lessons held."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from drivingschool import services
from drivingschool.services import AttendanceRow
from mobility import services as core_services
from mobility.enums import Role
from tests.api.conftest import ApiClient
from tests.factories import OrganisationFactory, ReferralFactory, member


@pytest.fixture
def api():
    return ApiClient


@pytest.fixture
def instructor(platform):
    return member(Role.INSTRUCTOR, platform, first_name="Nadia", last_name="Moniteur")


@pytest.fixture
def other_instructor(other_platform):
    return member(Role.INSTRUCTOR, other_platform)


@pytest.fixture
def funder_org(platform):
    return OrganisationFactory(platform=platform, funder=True, name="Conseil départemental")


def open_pathway(prescriber_org, adviser, **person):
    referral = ReferralFactory(prescriber=prescriber_org, **person)
    referral = core_services.referral_accept(referral=referral, by=adviser)
    return referral.pathway


def enrol(prescriber_org, adviser, *, signed=False, **options):
    pathway = open_pathway(prescriber_org, adviser)
    values = {
        "start_date": timezone.localdate(),
        "theory_hours": Decimal("20"),
        "driving_hours": Decimal("30"),
        **options,
    }
    enrolment = services.enrolment_create(by=adviser, pathway=pathway, **values)
    if signed:
        services.enrolment_sign_agreement(
            by=adviser, enrolment=enrolment, signed_on=timezone.localdate()
        )
    return enrolment


def lesson(by, enrolments, *, days_ago=1, kind="theory", minutes=120, **options):
    start = timezone.now().replace(microsecond=0) - timedelta(days=days_ago)
    return services.lesson_schedule(
        by=by,
        platform=enrolments[0].platform,
        kind=kind,
        start=start,
        duration_minutes=minutes,
        enrolments=list(enrolments),
        **options,
    )


def mark(by, lesson_, enrolment, status="present", late_minutes=None, reason=""):
    return services.attendance_record(
        by=by,
        lesson=lesson_,
        rows=[AttendanceRow(enrolment.pk, status, late_minutes=late_minutes, reason=reason)],
    )


@pytest.fixture
def enrolment(prescriber_org, adviser):
    return enrol(prescriber_org, adviser)
