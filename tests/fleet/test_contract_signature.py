"""The rental contract signed on the tablet at the handover: the person and the staff
member sign on the rental's page, the frozen PDF embeds their signatures, names, date and
time and the content's hash; the paper path stays (print, then attach the scan); a change
of the rental afterwards is said and opens a new version."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fleet import services
from fleet.enums import PaymentMethod
from fleet.signing import CONTRACT, contract_payload
from mobility import signing
from mobility.enums import ProofKind, Role
from mobility.models import SignedDocument
from mobility.services import save_with_author
from tests.conftest import logged_in
from tests.factories import member
from tests.fleet.conftest import days_ago
from tests.nothing_written import nothing_written
from tests.pdf_text import check_pdf
from tests.signatures import data_url, drawn_png

pytestmark = pytest.mark.django_db


def sign_url(rental):
    return reverse("fleet:rental_contract_sign", args=[rental.pk])


def scan_url(rental):
    return reverse("fleet:rental_contract_scan", args=[rental.pk])


def both(**extra):
    return {
        "beneficiary_signature": data_url(),
        "staff_signature": data_url(drawn_png(360, 120)),
        **extra,
    }


def test_the_rental_page_offers_the_pads_and_the_paper_path(fleet_user, rental):
    page = logged_in(fleet_user).get(reverse("fleet:rental_detail", args=[rental.pk]))
    html = page.content.decode()
    assert "Pas encore signé" in html
    assert html.count('class="signature-field"') == 2
    assert f"Signature de {rental.beneficiary.full_name}" in html
    assert "Joindre le scan" in html and 'enctype="multipart/form-data"' in html
    assert reverse("fleet:rental_contract", args=[rental.pk]) in html


def test_signing_on_the_tablet_freezes_the_contract(fleet_user, rental):
    client = logged_in(fleet_user)
    response = client.post(sign_url(rental), both(staff_name="Paul Agent"))
    assert response.status_code == 302
    document = SignedDocument.objects.get()
    assert document.proof == ProofKind.TABLET and document.closed_at
    page = client.get(reverse("fleet:rental_detail", args=[rental.pk])).content.decode()
    assert "Signé sur tablette le" in page
    assert 'class="signature-field"' not in page  # frozen: nothing left to sign
    pdf = client.get(reverse("signed_document_download", args=[document.pk, "pdf"]))
    content = b"".join(pdf.streaming_content)
    pdf.close()
    check_pdf(
        content,
        has=[
            rental.beneficiary.full_name,
            "Paul Agent",
            "Signé sur tablette le",
            document.content_hash,
            f"Contrat n° {rental.pk}, version 1, signé sur tablette le",
            "Caution versée à la remise : 150,00 €",
        ],
    )


def test_the_staff_member_signs_under_their_own_name_by_default(fleet_user, rental):
    fleet_user.first_name, fleet_user.last_name = "Lina", "Garage"
    fleet_user.save()
    logged_in(fleet_user).post(sign_url(rental), both())
    names = set(SignedDocument.objects.get().signatures.values_list("signer_name", flat=True))
    assert names == {rental.beneficiary.full_name, "Lina Garage"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("beneficiary_signature", "", "Signez dans le cadre"),
        ("staff_signature", data_url(drawn_png(blank=True)), "La signature est vide"),
        ("beneficiary_signature", "data:image/svg+xml;base64,PHN2Zz4=", "image PNG"),
    ],
)
def test_a_missing_or_bad_drawing_is_refused_in_french(fleet_user, rental, field, value, message):
    client = logged_in(fleet_user)
    with nothing_written():
        response = client.post(sign_url(rental), both(**{field: value}))
    assert response.status_code == 422
    assert message in response.content.decode()


def test_a_change_of_the_rental_after_signing_asks_for_a_new_version(fleet_user, rental):
    client = logged_in(fleet_user)
    client.post(sign_url(rental), both())
    first = SignedDocument.objects.get()
    # The deposit is corrected afterwards (in /admin/, say).
    rental.deposit = Decimal("200.00")
    save_with_author(rental, by=fleet_user)
    page = client.get(reverse("fleet:rental_detail", args=[rental.pk])).content.decode()
    assert "modifié depuis la signature" in page
    assert "Signer la nouvelle version sur la tablette" in page
    assert client.post(sign_url(rental), both()).status_code == 302
    second = SignedDocument.objects.get(superseded_at__isnull=True)
    assert second.version == 2 and second.closed_at
    assert second.content["deposit"] == "200.00"
    first.refresh_from_db()
    assert first.superseded_at and first.pdf  # the old version stays, with its PDF
    page = client.get(reverse("fleet:rental_detail", args=[rental.pk])).content.decode()
    assert "Version 1" in page and "Version 2" in page and "remplacée le" in page
    assert "modifié depuis la signature" not in page


def test_signing_again_what_did_not_change_is_refused(fleet_user, rental):
    client = logged_in(fleet_user)
    client.post(sign_url(rental), both())
    with nothing_written():
        response = client.post(sign_url(rental), both())
    assert response.status_code == 409
    assert "déjà signé et figé" in response.content.decode()


def test_the_paper_scan_is_attached_instead(fleet_user, rental):
    client = logged_in(fleet_user)
    scan = SimpleUploadedFile("contrat.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, "image/jpeg")
    assert client.post(scan_url(rental), {"scan": scan}).status_code == 302
    document = SignedDocument.objects.get()
    assert document.proof == ProofKind.PAPER and document.scan_content_type == "image/jpeg"
    page = client.get(reverse("fleet:rental_detail", args=[rental.pk])).content.decode()
    assert "Scan papier joint le" in page
    download = client.get(reverse("signed_document_download", args=[document.pk, "scan"]))
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert b"".join(download.streaming_content).startswith(b"\xff\xd8\xff")
    download.close()


def test_a_scan_that_is_not_a_document_is_refused_in_french(fleet_user, rental):
    client = logged_in(fleet_user)
    scan = SimpleUploadedFile("contrat.pdf", b"<html>not a pdf</html>", "application/pdf")
    with nothing_written():
        response = client.post(scan_url(rental), {"scan": scan})
    assert response.status_code == 422
    assert "ni un PDF, ni une image JPEG" in response.content.decode()


def test_roles_and_platforms(platform, rental, other_world):
    payload = both()
    instructor = logged_in(member(Role.INSTRUCTOR, platform))
    outsider = logged_in(other_world["adviser"])
    with nothing_written():
        assert instructor.post(sign_url(rental), payload).status_code == 403
        assert outsider.post(sign_url(rental), payload).status_code == 404
        assert outsider.post(scan_url(rental), {}).status_code == 404
    adviser = logged_in(member(Role.ADVISER, platform))
    assert adviser.post(sign_url(rental), payload).status_code == 302


def test_the_signature_write_costs_the_same_queries_for_a_short_or_long_rental(
    fleet_user, rental, vehicle, adviser, prescriber_org
):
    from tests.fleet.conftest import VehicleFactory, hand_over, open_pathway

    long = hand_over(
        fleet_user,
        open_pathway(adviser, prescriber_org),
        VehicleFactory(platform=vehicle.platform),
    )
    for day in range(1, 15):
        services.payment_record(
            by=fleet_user,
            rental=long,
            day=days_ago(day),
            amount=Decimal("5.00"),
            method=PaymentMethod.CASH,
        )
    client = logged_in(fleet_user)
    ContentType.objects.get_for_model(rental)  # cached per process, as in production
    counts = []
    for signed in (rental, long):
        with CaptureQueriesContext(connection) as captured:
            assert client.post(sign_url(signed), both()).status_code == 302
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_rental_page_reads_in_the_same_queries_with_one_or_three_versions(fleet_user, rental):
    client = logged_in(fleet_user)
    url = reverse("fleet:rental_detail", args=[rental.pk])
    client.post(sign_url(rental), both())
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for deposit in ("160.00", "170.00"):
        rental.deposit = Decimal(deposit)
        save_with_author(rental, by=fleet_user)
        client.post(sign_url(rental), both())
    assert SignedDocument.objects.count() == 3
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    assert len(three.captured_queries) == len(one.captured_queries)


def test_the_proof_follows_the_payload(fleet_user, rental):
    assert signing.proof_of(rental, CONTRACT, contract_payload(rental)).status == "none"


# The return report, signed by the same two people once the vehicle is back.


def returned(fleet_user, rental):
    services.rental_return(
        by=fleet_user,
        rental=rental,
        day=days_ago(0),
        odometer_km=rental.start_odometer_km + 900,
        condition={
            "tyres": "ok",
            "brakes": "ok",
            "lights": "ok",
            "body": "worn",
            "cleanliness": "ok",
        },
    )
    return rental


def test_the_return_report_is_signed_once_the_vehicle_is_back(fleet_user, rental):
    client = logged_in(fleet_user)
    url = reverse("fleet:rental_return_sign", args=[rental.pk])
    with nothing_written():
        assert client.post(url, both()).status_code == 409  # still out
    page = client.get(reverse("fleet:rental_detail", args=[rental.pk])).content.decode()
    assert "Rapport de retour signé" not in page
    returned(fleet_user, rental)
    page = client.get(reverse("fleet:rental_detail", args=[rental.pk])).content.decode()
    assert "Rapport de retour signé" in page and 'id="signature-retour"' in page
    assert client.post(url, both(staff_name="Paul Agent")).status_code == 302
    document = SignedDocument.objects.get(kind="return_report")
    assert document.proof == ProofKind.TABLET
    response = client.get(reverse("signed_document_download", args=[document.pk, "pdf"]))
    content = b"".join(response.streaming_content)
    response.close()
    check_pdf(
        content,
        has=[
            "Rapport de retour du véhicule",
            rental.beneficiary.full_name,
            "Paul Agent",
            "signé sur tablette le",
            document.content_hash,
        ],
    )


def test_the_return_reports_paper_scan(fleet_user, rental):
    returned(fleet_user, rental)
    scan = SimpleUploadedFile("retour.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")
    client = logged_in(fleet_user)
    url = reverse("fleet:rental_return_scan", args=[rental.pk])
    assert client.post(url, {"scan": scan}).status_code == 302
    assert SignedDocument.objects.get(kind="return_report").proof == ProofKind.PAPER
