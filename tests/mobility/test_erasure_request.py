"""A platform administrator erases one person's data on request, from the person's file,
with a reason recorded in an audit row that names nobody."""

import pytest
from django.urls import reverse
from django.utils import timezone

from mobility import services
from mobility.errors import Conflict, Forbidden, InvalidInput
from mobility.models import Beneficiary, ErasureRecord, Referral
from tests.conftest import logged_in
from tests.factories import ReferralFactory, member
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db


def closed_person(adviser, prescriber_org, **person):
    accepted = services.referral_accept(
        referral=ReferralFactory(
            prescriber=prescriber_org,
            first_name="Samira",
            last_name="Oukaci",
            phone="06 39 98 00 00",
            comment="Samira cherche un scooter",
            **person,
        ),
        by=adviser,
    )
    services.pathway_close(
        pathway=accepted.pathway,
        by=adviser,
        closed_on=timezone.localdate(),
        outcome="formation",
        durable_solution=False,
    )
    return accepted.beneficiary


def erase_url(beneficiary):
    return reverse("beneficiary_erase", args=[beneficiary.pk])


def test_an_administrator_erases_a_person_from_the_file(admin_user, adviser, prescriber_org):
    beneficiary = closed_person(adviser, prescriber_org)
    client = logged_in(admin_user)

    file_page = client.get(reverse("beneficiary_detail", args=[beneficiary.pk])).content.decode()
    assert erase_url(beneficiary) in file_page
    response = client.post(
        erase_url(beneficiary), {"reason": "person_request", "confirm": "on"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("beneficiary_detail", args=[beneficiary.pk])
    page = response.content.decode()
    beneficiary.refresh_from_db()
    assert f"anonymisé·e le {timezone.localdate():%-d}" in page
    assert "Samira" not in page and "Oukaci" not in page.replace("OUKACI", "Oukaci")
    assert beneficiary.last_name == "anonymisée"
    assert Referral.objects.get().comment == "Texte effacé lors de l'anonymisation."
    (record,) = ErasureRecord.objects.all()
    assert (record.beneficiary, record.reason, record.requested_by) == (
        beneficiary,
        "person_request",
        admin_user,
    )
    assert erase_url(beneficiary) not in page  # nothing left to erase


def test_the_audit_row_holds_codes_and_counts_only(admin_user, adviser, prescriber_org):
    beneficiary = closed_person(adviser, prescriber_org)

    services.beneficiary_erase_on_request(
        beneficiary=beneficiary, by=admin_user, reason="objection"
    )

    record = ErasureRecord.objects.get()
    assert record.reason == "objection"
    assert all(
        isinstance(label, str) and isinstance(count, int) for label, count in record.rows.items()
    )
    assert record.rows["mobility.Referral"] == 1 and record.rows["mobility.Beneficiary"] == 1
    assert "Samira" not in str(record) + repr(record.rows)


def test_the_request_needs_a_reason_and_a_confirmation(admin_user, adviser, prescriber_org):
    beneficiary = closed_person(adviser, prescriber_org)

    response = logged_in(admin_user).post(erase_url(beneficiary), {"reason": ""})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Cochez la case pour confirmer l&#x27;effacement." in page
    assert "Ce champ est obligatoire." in page
    assert Beneficiary.objects.get().anonymised_at is None
    with pytest.raises(InvalidInput):
        services.beneficiary_erase_on_request(
            beneficiary=beneficiary, by=admin_user, reason="retention"
        )


def test_a_person_in_a_pathway_is_not_erased_until_it_is_closed(
    admin_user, adviser, prescriber_org
):
    accepted = services.referral_accept(
        referral=ReferralFactory(prescriber=prescriber_org), by=adviser
    )

    response = logged_in(admin_user).post(
        erase_url(accepted.beneficiary), {"reason": "person_request", "confirm": "on"}
    )

    assert response.status_code == 200
    assert "clôturez-le avant d&#x27;effacer ses données" in response.content.decode()
    assert Beneficiary.objects.get().anonymised_at is None


def test_only_the_platforms_administrators_may_erase(
    admin_user, adviser, fleet_user, prescriber_org, other_platform
):
    beneficiary = closed_person(adviser, prescriber_org)
    other_admin = member("admin", other_platform)

    assert logged_in(adviser).get(erase_url(beneficiary)).status_code == 403
    fleet_client = logged_in(fleet_user)
    with nothing_written():
        assert fleet_client.post(erase_url(beneficiary), {}).status_code == 403
    assert logged_in(other_admin).get(erase_url(beneficiary)).status_code == 404
    file_page = logged_in(adviser).get(reverse("beneficiary_detail", args=[beneficiary.pk]))
    assert erase_url(beneficiary) not in file_page.content.decode()
    with pytest.raises(Forbidden):
        services.beneficiary_erase_on_request(
            beneficiary=beneficiary, by=adviser, reason="person_request"
        )
    assert Beneficiary.objects.get().anonymised_at is None


def test_a_person_is_erased_once(admin_user, adviser, prescriber_org):
    beneficiary = closed_person(adviser, prescriber_org)
    services.beneficiary_erase_on_request(
        beneficiary=beneficiary, by=admin_user, reason="person_request"
    )

    with pytest.raises(Conflict):
        services.beneficiary_erase_on_request(
            beneficiary=beneficiary, by=admin_user, reason="person_request"
        )
    page = logged_in(admin_user).get(erase_url(beneficiary)).content.decode()
    assert "il n'y a plus rien à effacer" in page
