"""The contract printed for signature before the handover is saved: the same paper as the
saved rental's, written from the form alone, and nothing stored."""

from decimal import Decimal

from django.urls import reverse

from fleet.models import Rental
from tests.conftest import logged_in
from tests.fleet.conftest import days_ago, open_pathway
from tests.nothing_written import nothing_written
from tests.pdf_text import check_pdf


def handover_form(pathway, vehicle, *, draft=True, **changes) -> dict:
    form = {
        "pathway": pathway.pk,
        "vehicle": vehicle.pk,
        "start_date": str(days_ago(1)),
        "deposit": "150,00",
        "deposit_method": "cheque",
        **changes,
    }
    if draft:  # the "Imprimer le contrat à signer" button
        form["contract_draft"] = "1"
    return form


def opened_form(user, pathway):
    """Signed in, with the person's handover page opened (it sets up the platform's default
    settings and access conditions on first use)."""
    client = logged_in(user)
    page = client.get(reverse("fleet:rental_create") + f"?parcours={pathway.pk}")
    assert page.status_code == 200
    return client


def test_the_contract_prints_from_the_form_before_anything_is_saved(fleet_user, pathway, vehicle):
    client = opened_form(fleet_user, pathway)

    with nothing_written():
        response = client.post(reverse("fleet:rental_create"), handover_form(pathway, vehicle))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    person = pathway.beneficiary
    check_pdf(
        response.content,
        has=[
            "Contrat de mise à disposition d'un véhicule",
            "Contrat à signer",
            person.last_name.upper(),
            vehicle.label,
            "150,00 €",
        ],
        never=["Contrat n°"],
    )
    vehicle.refresh_from_db()
    assert vehicle.status == "available"


def test_the_signed_contract_then_saves_the_same_handover(fleet_user, pathway, vehicle):
    client = logged_in(fleet_user)
    client.post(reverse("fleet:rental_create"), handover_form(pathway, vehicle))

    saved = client.post(
        reverse("fleet:rental_create"),
        handover_form(pathway, vehicle, draft=False, contract_signed="on"),
    )

    rental = Rental.objects.get()
    assert saved.status_code == 302
    assert rental.deposit == Decimal("150.00")


def test_a_handover_that_would_be_refused_prints_nothing_and_says_why(
    fleet_user, adviser, prescriber_org, vehicle
):
    pathway = open_pathway(adviser, prescriber_org, licence_held=False, licence_since=None)
    client = opened_form(fleet_user, pathway)

    with nothing_written():
        response = client.post(reverse("fleet:rental_create"), handover_form(pathway, vehicle))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    errors = response.context["form"].errors
    assert any("permis" in message for message in errors["__all__"])
    assert "contract_signed" not in errors  # not asked before the paper exists
