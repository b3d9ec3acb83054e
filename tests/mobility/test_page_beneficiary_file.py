"""The beneficiary file: identity, pathways, referrals and the history in plain French."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mobility import services
from mobility.history import beneficiary_history
from tests.conftest import logged_in
from tests.factories import ReferralFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(prescriber_org, adviser):
    referral = ReferralFactory(
        prescriber=prescriber_org, first_name="Inès", last_name="Benali", commune="Sedan"
    )
    return services.referral_accept(referral=referral, by=adviser)


def url(beneficiary_id):
    return reverse("beneficiary_detail", args=[beneficiary_id])


# Fleet staff no longer read pathways and referrals (issue 10): what they see of the
# file is in test_page_beneficiary_file_by_role.py.
def test_staff_read_the_file_with_pathway_and_referrals(accepted, platform):
    reader = member("adviser", platform)
    response = logged_in(reader).get(url(accepted.beneficiary_id))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Inès BENALI" in page
    assert f"Parcours n° {accepted.pathway_id}" in page
    assert "Mission locale de Sedan" in page
    assert reverse("referral_detail", args=[accepted.pk]) in page


def test_the_history_says_who_changed_what_in_french(accepted, adviser):
    beneficiary = accepted.beneficiary
    editor = member("adviser", accepted.platform, first_name="Camille", last_name="Martin")
    beneficiary.commune = "Charleville-Mézières"
    beneficiary.rsa = True
    beneficiary._history_user = editor
    beneficiary.save()

    page = logged_in(adviser).get(url(beneficiary.pk)).content.decode()

    assert "Camille Martin</strong> a modifié la fiche" in page
    assert "Commune : <span" in page and "Sedan" in page and "Charleville-Mézières" in page
    assert "Bénéficiaire du RSA" in page
    assert "a créé la fiche" in page
    assert f"a ouvert le parcours n° {accepted.pathway_id}" in page
    assert f"a créé la fiche de liaison n° {accepted.pk}" in page


def test_history_entries_read_as_sentences(accepted, adviser):
    services.pathway_close(
        pathway=accepted.pathway,
        by=adviser,
        closed_on=accepted.pathway.opened_on,
        outcome="cdi",
        durable_solution=True,
    )

    entries = beneficiary_history(accepted.beneficiary)

    def changes_of(action: str) -> dict[str, tuple[str, str]]:
        (entry,) = [entry for entry in entries if entry.action == action]
        assert entry.who == adviser.get_full_name()
        return {change.label: (change.old, change.new) for change in entry.changes}

    pathway = changes_of(f"a modifié le parcours n° {accepted.pathway_id}")
    assert pathway["Statut"] == ("en cours", "clôturé")
    assert pathway["Situation à la sortie"] == ("—", "CDI")
    assert pathway["Solution de mobilité durable trouvée"] == ("—", "oui")
    # Two changes of the referral: accepted, then closed with its pathway.
    referral_changes = [
        {change.label: (change.old, change.new) for change in entry.changes}
        for entry in entries
        if entry.action == f"a modifié la fiche de liaison n° {accepted.pk}"
    ]
    assert [changes["Statut"] for changes in referral_changes] == [
        ("acceptée", "clôturée"),
        ("reçue", "acceptée"),
    ]
    assert referral_changes[1]["Bénéficiaire"] == ("—", "Inès BENALI")
    assert entries == sorted(entries, key=lambda entry: entry.when, reverse=True)


def test_the_history_costs_a_bounded_number_of_queries(accepted, adviser):
    beneficiary = accepted.beneficiary

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            beneficiary_history(beneficiary)
        return len(captured)

    before = queries()
    for commune in ("Givet", "Rethel", "Vouziers", "Mouzon", "Carignan"):
        beneficiary.commune = commune
        beneficiary._history_user = adviser
        beneficiary.save()
    for _ in range(3):
        referral = ReferralFactory(
            prescriber=accepted.prescriber,
            first_name="Inès",
            last_name="Benali",
            birth_date=beneficiary.birth_date,
        )
        services.referral_accept(referral=referral, by=adviser, beneficiary=beneficiary)

    assert queries() == before


def test_another_platforms_adviser_gets_404(accepted, other_adviser):
    assert logged_in(other_adviser).get(url(accepted.beneficiary_id)).status_code == 404


def test_an_unknown_beneficiary_is_404(adviser):
    assert logged_in(adviser).get(url(999999)).status_code == 404
