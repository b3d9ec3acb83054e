"""Fiches that never became a person have their own retention clock: erased
PERSONAL_DATA_RETENTION_DAYS after their decision (or their reception, when nobody ever
decided), unless they name a person the platform follows, to whom they are then linked."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from mobility import services
from mobility.erasure import ERASED_MESSAGE, ERASED_TEXT
from mobility.models import Beneficiary, ErasureRecord, Notification, Referral
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

RETENTION = 1095


def declined(adviser, prescriber_org, **person) -> Referral:
    referral = ReferralFactory(
        prescriber=prescriber_org,
        phone="06 11 22 33 44",
        email="personne@example.org",
        address="5 rue des Écoles",
        comment="Suivie par Mme Lambert",
        **person,
    )
    return services.referral_decline(referral=referral, by=adviser, reason="Hors territoire")


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


@override_settings(PERSONAL_DATA_RETENTION_DAYS=RETENTION)
def test_a_declined_fiche_is_erased_once_its_retention_period_is_over(adviser, prescriber_org):
    referral = declined(adviser, prescriber_org, first_name="Yanis", birth_date=date(1990, 7, 14))

    services.anonymise_past_retention(today=in_days(RETENTION - 1))
    assert Referral.objects.get(pk=referral.pk).first_name == "Yanis"

    done = services.anonymise_past_retention(today=in_days(RETENTION))

    assert done.referrals_erased == 1
    referral.refresh_from_db()
    assert (referral.first_name, referral.last_name) == ("Personne", "anonymisée")
    assert referral.phone == referral.email == referral.address == ""
    assert referral.birth_date == date(1990, 1, 1)
    assert referral.comment == referral.decline_reason == ERASED_TEXT
    assert referral.anonymised_at is not None
    assert not Referral.history.filter(first_name="Yanis").exists()
    assert {n.body for n in Notification.objects.filter(referral=referral)} == {ERASED_MESSAGE}
    (record,) = ErasureRecord.objects.all()
    assert record.referral == referral and record.beneficiary is None
    assert record.reason == "retention" and record.requested_by is None


@override_settings(PERSONAL_DATA_RETENTION_DAYS=RETENTION)
def test_a_fiche_nobody_ever_decided_on_is_erased_after_the_period_from_its_reception(
    prescriber_org,
):
    referral = ReferralFactory(prescriber=prescriber_org, first_name="Yanis")

    services.anonymise_past_retention(today=referral.received_on + timedelta(days=RETENTION))

    referral.refresh_from_db()
    assert referral.first_name == "Personne" and referral.status == "submitted"


@override_settings(PERSONAL_DATA_RETENTION_DAYS=RETENTION)
def test_a_declined_fiche_naming_a_followed_person_joins_that_persons_file(adviser, prescriber_org):
    followed = services.referral_accept(
        referral=ReferralFactory(
            prescriber=prescriber_org, first_name="Inès", last_name="Benali-Roux"
        ),
        by=adviser,
    ).beneficiary
    referral = declined(
        adviser,
        prescriber_org,
        first_name="ines",
        last_name="BENALI ROUX",
        birth_date=followed.birth_date,
    )

    done = services.anonymise_past_retention(today=in_days(RETENTION))

    assert (done.referrals_linked, done.referrals_erased) == (1, 0)
    referral.refresh_from_db()
    assert referral.beneficiary == followed and referral.first_name == "ines"
    assert referral.anonymised_at is None  # it now follows the person's own clock


@override_settings(PERSONAL_DATA_RETENTION_DAYS=RETENTION)
def test_a_declined_fiche_is_erased_with_the_person_it_names(adviser, prescriber_org):
    accepted = services.referral_accept(
        referral=ReferralFactory(prescriber=prescriber_org, first_name="Inès", last_name="Roux"),
        by=adviser,
    )
    earlier = declined(
        adviser,
        prescriber_org,
        first_name="Inès",
        last_name="Roux",
        birth_date=accepted.birth_date,
    )
    services.pathway_close(
        pathway=accepted.pathway,
        by=adviser,
        closed_on=timezone.localdate(),
        outcome="none",
        durable_solution=False,
    )

    services.anonymise_past_retention(today=in_days(RETENTION))

    earlier.refresh_from_db()
    assert earlier.beneficiary_id == accepted.beneficiary_id
    assert earlier.last_name == "anonymisée" and earlier.anonymised_at is not None
    assert ErasureRecord.objects.get().beneficiary_id == accepted.beneficiary_id


@override_settings(PERSONAL_DATA_RETENTION_DAYS=RETENTION)
def test_a_fiche_that_could_be_either_of_two_homonyms_is_erased_on_its_own_clock(
    adviser, prescriber_org
):
    birth_date = date(1992, 2, 2)
    for _ in range(2):
        services.referral_accept(
            referral=ReferralFactory(
                prescriber=prescriber_org,
                first_name="Inès",
                last_name="Roux",
                birth_date=birth_date,
            ),
            by=adviser,
            new_beneficiary=True,
        )
    referral = declined(
        adviser, prescriber_org, first_name="Inès", last_name="Roux", birth_date=birth_date
    )

    services.anonymise_past_retention(today=in_days(RETENTION))

    referral.refresh_from_db()
    assert referral.beneficiary_id is None and referral.last_name == "anonymisée"
    assert Beneficiary.objects.filter(last_name="Roux").count() == 2
