"""Right of access: a platform administrator downloads everything the platform holds on
one person, as JSON (every row, structured) and as a readable PDF."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from fleet import services as fleet_services
from mobility import services
from mobility.models import FileAccess
from tests.conftest import logged_in
from tests.factories import ReferralFactory, member
from tests.fleet.conftest import CONDITION_OK, VehicleFactory
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(adviser, fleet_user, prescriber_org):
    """A person with a declined fiche never linked to them, an accepted one and a rental."""
    birth = {"first_name": "Inès", "last_name": "Benali", "birth_date": "1995-04-12"}
    declined = services.referral_decline(
        referral=ReferralFactory(prescriber=prescriber_org, **birth), by=adviser, reason="Doublon"
    )
    accepted = services.referral_accept(
        referral=ReferralFactory(
            prescriber=prescriber_org,
            received_on=timezone.localdate() - timedelta(days=20),
            comment="Cherche un véhicule pour l'usine",
            licence_held=True,
            licence_since="2015-06-01",
            contract="cdi",
            **birth,
        ),
        by=adviser,
        opened_on=timezone.localdate() - timedelta(days=20),
    )
    rental = fleet_services.rental_create(
        by=fleet_user,
        pathway=accepted.pathway,
        vehicle=VehicleFactory(platform=accepted.platform),
        start_date=timezone.localdate() - timedelta(days=14),
        deposit=Decimal("150.00"),
        contract_signed=True,
    )
    fleet_services.checkin_record(
        by=fleet_user,
        rental=rental,
        day=timezone.localdate() - timedelta(days=7),
        odometer_km=42300,
        condition=CONDITION_OK,
        notes="Cherche une voiture d'occasion",
    )
    return {"beneficiary": accepted.beneficiary, "declined": declined, "accepted": accepted}


def url(beneficiary, extension):
    return reverse(f"beneficiary_personal_data_{extension}", args=[beneficiary.pk])


def test_the_json_holds_every_row_of_the_person_structured_by_kind(person, admin_user):
    beneficiary = person["beneficiary"]

    response = logged_in(admin_user).get(url(beneficiary, "json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    sections = {section["model"]: section for section in data["sections"]}
    assert data["beneficiary_id"] == beneficiary.pk
    assert sections["mobility.Beneficiary"]["rows"][0]["first_name"] == "Inès"
    assert sections["mobility.Beneficiary"]["history"]  # the earlier versions too
    assert {row["id"] for row in sections["mobility.Referral"]["rows"]} == {
        person["declined"].pk,
        person["accepted"].pk,
    }
    assert sections["fleet.CheckIn"]["rows"][0]["notes"] == "Cherche une voiture d'occasion"
    assert len(sections["fleet.LedgerEntry"]["rows"]) == 2  # the deposit and the first charge
    assert {row["event"] for row in sections["mobility.Notification"]["rows"]} >= {
        "referral_declined",
        "referral_accepted",
        "service_started",
    }
    assert sections["mobility.FileAccess"]["rows"][0]["channel"] == "export_json"


def test_the_pdf_reads_in_french(person, admin_user):
    beneficiary = person["beneficiary"]

    response = logged_in(admin_user).get(url(beneficiary, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Données personnelles détenues par la plateforme" in text
    assert "Inès BENALI" in text
    assert "12 avril 1995" in text
    assert "Fiches de liaison" in text and "refusée" in text and "Doublon" in text
    assert "Cherche une voiture d'occasion" in text
    assert "Caution reçue à la remise du véhicule" in text
    assert "Historique des modifications" in text
    assert FileAccess.objects.filter(channel="export_pdf").count() == 1


def test_only_the_platforms_administrators_download(person, adviser, fleet_user, other_platform):
    beneficiary = person["beneficiary"]
    other_admin = member("admin", other_platform)

    for user in (adviser, fleet_user):
        for extension in ("json", "pdf"):
            assert logged_in(user).get(url(beneficiary, extension)).status_code == 403
    assert logged_in(other_admin).get(url(beneficiary, "json")).status_code == 404
    page = logged_in(adviser).get(reverse("beneficiary_detail", args=[beneficiary.pk]))
    assert url(beneficiary, "pdf") not in page.content.decode()
    assert not FileAccess.objects.exclude(channel="page").exists()


def test_after_anonymisation_the_download_holds_nothing_that_names_the_person(
    person, admin_user, adviser
):
    beneficiary = person["beneficiary"]
    fleet_services.rental_return(
        by=adviser, rental=beneficiary.rentals.get(), day=timezone.localdate(), odometer_km=42400
    )
    services.pathway_close(
        pathway=person["accepted"].pathway,
        by=adviser,
        closed_on=timezone.localdate(),
        outcome="none",
        durable_solution=False,
    )
    services.beneficiary_erase_on_request(
        beneficiary=beneficiary, by=admin_user, reason="person_request"
    )

    content = logged_in(admin_user).get(url(beneficiary, "json")).content.decode()

    assert "Benali" not in content and "Inès" not in content
    assert "Doublon" not in content and "occasion" not in content
