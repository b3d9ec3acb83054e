"""The workshop's signed attendance sheet: the same one submit as the driving school's."""

import pytest
from django.urls import reverse

from accompaniment import services
from mobility.signing import current_document
from tests.accompaniment.conftest import open_pathway
from tests.conftest import logged_in
from tests.pdf_text import check_pdf
from tests.signatures import data_url

pytestmark = pytest.mark.django_db


def test_the_facilitator_closes_a_sheet_signed_by_those_who_came(
    adviser, past_session, prescriber_org
):
    came = open_pathway(prescriber_org, adviser)
    absent = open_pathway(prescriber_org, adviser)
    for pathway in (came, absent):
        services.registration_create(by=adviser, session=past_session, pathway=pathway)
    url = reverse("accompaniment:attendance_sheet", args=[past_session.pk])
    client = logged_in(adviser)
    response = client.post(
        url,
        {
            f"status_{came.pk}": "present",
            f"status_{absent.pk}": "unexcused",
            f"signature_{came.pk}": data_url(),
            "closing_signature": data_url(),
        },
    )
    assert response.status_code == 302
    document = current_document(past_session, "workshop_sheet")
    assert document.closed and document.proof == "tablet"
    with document.pdf.open("rb") as stored:
        check_pdf(
            stored.read(),
            has=[
                came.beneficiary.full_name,
                absent.beneficiary.full_name,
                adviser.get_full_name(),
                document.content_hash,
            ],
        )
    assert "Signé sur tablette le" in client.get(url).content.decode()


def test_closing_without_the_present_person_s_signature_is_said_on_the_closing_pad(
    adviser, past_session, prescriber_org
):
    came = open_pathway(prescriber_org, adviser)
    services.registration_create(by=adviser, session=past_session, pathway=came)
    url = reverse("accompaniment:attendance_sheet", args=[past_session.pk])
    response = logged_in(adviser).post(
        url, {f"status_{came.pk}": "present", "closing_signature": data_url()}
    )
    assert response.status_code == 422
    assert "Pour clore la feuille, il manque la signature de" in response.content.decode()
    assert current_document(past_session, "workshop_sheet") is None
