"""factory_boy factories for the core domain, with personas for permission tests."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from mobility.enums import JobKind, NotificationState, OrganisationKind, Role, Sex
from mobility.models import (
    Beneficiary,
    Membership,
    Notification,
    Organisation,
    Platform,
    Referral,
    User,
)
from mobility.rules import identity_key

PASSWORD = "mot-de-passe-de-test"


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform

    name = factory.Sequence(lambda n: f"Plateforme mobilité n° {n}")
    department = "08"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    platform = factory.SubFactory(PlatformFactory)
    name = factory.Sequence(lambda n: f"France Travail agence {n}")
    kind = OrganisationKind.PRESCRIBER

    class Params:
        funder = factory.Trait(
            kind=OrganisationKind.FUNDER, name=factory.Sequence(lambda n: f"Département {n}")
        )
        partner = factory.Trait(kind=OrganisationKind.PARTNER)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def member(
    role: str,
    platform: Platform | None = None,
    organisation: Organisation | None = None,
    **user_fields,
) -> User:
    """A user holding `role` on `platform` (prescribers and funders get an organisation)."""
    if organisation is not None:
        platform = organisation.platform
    platform = platform or PlatformFactory()
    if role == Role.PRESCRIBER and organisation is None:
        organisation = OrganisationFactory(platform=platform)
    if role == Role.FUNDER and organisation is None:
        organisation = OrganisationFactory(platform=platform, funder=True)
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, platform=platform, role=role, organisation=organisation)
    return user


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary

    platform = factory.SubFactory(PlatformFactory)
    first_name = "Inès"
    last_name = factory.Sequence(lambda n: f"Benali{n}")
    birth_date = date(1995, 4, 12)
    sex = Sex.FEMALE
    commune = "Sedan"
    identity_key = factory.LazyAttribute(lambda b: identity_key(b.first_name, b.last_name))


class ReferralFactory(factory.django.DjangoModelFactory):
    """A submitted referral; accept it through the service to get a pathway."""

    class Meta:
        model = Referral

    prescriber = factory.SubFactory(OrganisationFactory)
    platform = factory.LazyAttribute(lambda r: r.prescriber.platform)
    referent_name = "Sophie Lambert"
    referent_email = "sophie.lambert@francetravail.example"
    first_name = "Karim"
    last_name = factory.Sequence(lambda n: f"Haddad{n}")
    birth_date = date(1998, 9, 3)
    sex = Sex.MALE
    commune = "Sedan"
    postal_code = "08200"
    qpv = True
    job_kind = JobKind.JOB
    contract = "cdd"
    home_work_km = 18
    received_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=2))


class NotificationFactory(factory.django.DjangoModelFactory):
    """A notification recorded for a referral's referent, pending unless a trait says."""

    class Meta:
        model = Notification

    referral = factory.SubFactory(ReferralFactory)
    platform = factory.LazyAttribute(lambda n: n.referral.platform)
    event = "referral_received"
    recipient = factory.LazyAttribute(lambda n: n.referral.referent_email)
    subject = factory.LazyAttribute(lambda n: f"Fiche de liaison n° {n.referral.pk} bien reçue")
    body = "Bonjour, la plateforme a bien reçu votre fiche de liaison."

    class Params:
        sent = factory.Trait(
            state=NotificationState.SENT,
            attempts=1,
            last_attempt_at=factory.LazyFunction(timezone.now),
            sent_at=factory.LazyFunction(timezone.now),
        )
        failed = factory.Trait(
            state=NotificationState.FAILED,
            attempts=4,
            last_attempt_at=factory.LazyFunction(timezone.now),
            send_error="Connexion SMTP refusée",
        )
        # Pending, its last try two hours ago: its task was lost (a worker killed).
        stuck = factory.Trait(
            attempts=1,
            created_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2)),
            last_attempt_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2)),
        )
