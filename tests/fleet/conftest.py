"""Fixtures of the fleet tests: vehicles, people with an open pathway, rentals."""

from datetime import date, timedelta
from decimal import Decimal

import factory
import pytest
from django.utils import timezone

from fleet import services
from fleet.enums import VehicleKind
from fleet.models import Vehicle
from mobility import services as core_services
from mobility.enums import Role
from tests.api.conftest import ApiClient
from tests.factories import OrganisationFactory, PlatformFactory, ReferralFactory, member

CONDITION_OK = {
    "tyres": "ok",
    "brakes": "ok",
    "lights": "ok",
    "body": "ok",
    "cleanliness": "ok",
}


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    platform = factory.SubFactory(PlatformFactory)
    kind = VehicleKind.CAR
    label = factory.Sequence(lambda n: f"Clio n° {n}")
    registration = factory.Sequence(lambda n: f"AB-{n:03d}-CD")
    odometer_km = 42000

    class Params:
        bike = factory.Trait(kind=VehicleKind.BIKE, label="Vélo de ville", registration="")
        scooter = factory.Trait(kind=VehicleKind.SCOOTER, label="Scooter 50")


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def open_pathway(adviser, organisation, *, opened_days_ago: int = 90, **person):
    """A person whose referral was accepted `opened_days_ago` days ago: car-eligible by
    default (adult, licence since 2015, CDI, 18 km from work, QPV, not RSA)."""
    fields = {
        "licence_held": True,
        "licence_since": date(2015, 6, 1),
        "contract": "cdi",
        "job_start_date": days_ago(opened_days_ago),
        "home_work_km": Decimal("18"),
        "qpv": True,
        "rsa": False,
        "received_on": days_ago(opened_days_ago),
    }
    fields.update(person)
    referral = ReferralFactory(prescriber=organisation, **fields)
    referral = core_services.referral_accept(
        referral=referral, by=adviser, opened_on=days_ago(opened_days_ago)
    )
    return referral.pathway


@pytest.fixture
def vehicle(platform):
    return VehicleFactory(platform=platform)


@pytest.fixture
def pathway(adviser, prescriber_org):
    return open_pathway(adviser, prescriber_org)


def hand_over(user, pathway, vehicle, *, start=None, deposit="150.00", **kwargs):
    return services.rental_create(
        by=user,
        pathway=pathway,
        vehicle=vehicle,
        start_date=start or days_ago(28),
        deposit=Decimal(deposit),
        contract_signed=True,
        **kwargs,
    )


@pytest.fixture
def rental(fleet_user, pathway, vehicle):
    return hand_over(fleet_user, pathway, vehicle)


@pytest.fixture
def other_world(other_platform):
    """Another platform with its own adviser, person, vehicle and rental."""
    adviser = member(Role.ADVISER, other_platform)
    organisation = OrganisationFactory(platform=other_platform)
    pathway = open_pathway(adviser, organisation)
    vehicle = VehicleFactory(platform=other_platform)
    rental = hand_over(adviser, pathway, vehicle)
    return {"adviser": adviser, "pathway": pathway, "vehicle": vehicle, "rental": rental}


@pytest.fixture
def api():
    return ApiClient
