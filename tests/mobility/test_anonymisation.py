"""After the retention period, a person's identity is erased everywhere, history included,
while what the funder reports count stays."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from mobility import services
from mobility.errors import Conflict
from mobility.models import Beneficiary, Notification, Pathway, Referral
from mobility.rules import anonymisation_cutoff
from tests.factories import ReferralFactory


def closed_long_ago(adviser, prescriber_org, *, days_ago, first_name="Samira"):
    referral = ReferralFactory(
        prescriber=prescriber_org,
        first_name=first_name,
        last_name="Oukaci",
        phone="06 39 98 00 00",
        email="samira@example.org",
        address="3 rue du Lac",
        rsa=True,
    )
    accepted = services.referral_accept(referral=referral, by=adviser)
    services.pathway_close(
        pathway=accepted.pathway,
        by=adviser,
        closed_on=timezone.localdate(),
        outcome="cdi",
        durable_solution=True,
    )
    # The exit happened long ago: move the dates back.
    Pathway.objects.filter(pk=accepted.pathway_id).update(
        opened_on=timezone.localdate() - timedelta(days=days_ago + 30),
        closed_on=timezone.localdate() - timedelta(days=days_ago),
    )
    return accepted.beneficiary


def test_the_cutoff_is_the_retention_period_before_today():
    today = timezone.localdate()
    assert anonymisation_cutoff(today=today, retention_days=1095) == today - timedelta(days=1095)


def test_anonymising_erases_the_identity_everywhere_but_keeps_the_statistics(
    adviser, prescriber_org
):
    beneficiary = closed_long_ago(adviser, prescriber_org, days_ago=1200)

    services.beneficiary_anonymise(beneficiary=beneficiary)

    beneficiary.refresh_from_db()
    assert (beneficiary.first_name, beneficiary.last_name) == ("Personne", "anonymisée")
    assert beneficiary.phone == beneficiary.email == beneficiary.address == ""
    assert (beneficiary.birth_date.month, beneficiary.birth_date.day) == (1, 1)
    assert beneficiary.rsa and beneficiary.commune == "Sedan" and beneficiary.sex == "m"
    assert beneficiary.anonymised_at is not None
    referral = Referral.objects.get(beneficiary=beneficiary)
    assert referral.last_name == "anonymisée" and referral.phone == ""
    history_names = set(Beneficiary.history.values_list("last_name", flat=True)) | set(
        Referral.history.values_list("last_name", flat=True)
    )
    assert history_names == {"anonymisée"}
    assert not Referral.history.filter(email="samira@example.org").exists()
    for notification in Notification.objects.filter(referral=referral):
        assert "Samira" not in notification.body


def test_someone_in_a_pathway_is_never_anonymised(adviser, prescriber_org):
    accepted = services.referral_accept(
        referral=ReferralFactory(prescriber=prescriber_org), by=adviser
    )
    with pytest.raises(Conflict):
        services.beneficiary_anonymise(beneficiary=accepted.beneficiary)
    assert Beneficiary.objects.get().anonymised_at is None


@override_settings(PERSONAL_DATA_RETENTION_DAYS=1095)
def test_the_command_anonymises_only_past_the_retention_and_only_with_wet_run(
    adviser, prescriber_org
):
    old = closed_long_ago(adviser, prescriber_org, days_ago=1100)
    recent = closed_long_ago(adviser, prescriber_org, days_ago=100, first_name="Lina")

    out = StringIO()
    call_command("anonymise_beneficiaries", stdout=out)
    assert "1 personne(s) à anonymiser" in out.getvalue()
    assert not Beneficiary.objects.filter(anonymised_at__isnull=False).exists()

    call_command("anonymise_beneficiaries", "--wet-run", stdout=StringIO())
    assert set(Beneficiary.objects.filter(anonymised_at__isnull=False)) == {old}
    assert Beneficiary.objects.get(pk=recent.pk).last_name == "Oukaci"
