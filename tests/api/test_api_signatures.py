"""The API of the documents signed on the tablet: post the drawn signatures as PNG data
URLs (JSON), read which proof exists, download the frozen PDF, upload a paper scan
(multipart); the same roles as the objects' other writes, another platform's object is a
404, a bad image a 422 with `detail`, and a refusal writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fleet import services as fleet_services
from fleet.enums import PaymentMethod
from mobility.enums import FileAccessChannel, Role
from mobility.models import FileAccess, SignedDocument
from tests.api.conftest import ApiClient
from tests.drivingschool.conftest import enrol
from tests.factories import member
from tests.fleet.conftest import VehicleFactory, days_ago, hand_over, open_pathway
from tests.nothing_written import nothing_written
from tests.pdf_text import check_pdf
from tests.signatures import data_url, drawn_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def rental(fleet_user, adviser, prescriber_org, platform):
    return hand_over(
        fleet_user, open_pathway(adviser, prescriber_org), VehicleFactory(platform=platform)
    )


def contract(rental):
    return f"/api/v1/fleet/rentals/{rental.pk}/contract"


def agreement(enrolment):
    return f"/api/v1/drivingschool/enrolments/{enrolment.pk}/learning-agreement"


BOTH = {"beneficiary": data_url(), "staff": data_url(drawn_png(300, 110)), "staff_name": "Paul"}


def upload(api_client, path, content, name, content_type):
    return api_client.client.post(
        path,
        {"file": SimpleUploadedFile(name, content, content_type)},
        headers=api_client.headers,
    )


def test_the_contract_is_signed_read_and_downloaded(fleet_user, rental):
    api = ApiClient(fleet_user)
    before = api.get(contract(rental)).json()
    assert before["status"] == "none" and before["label"] == "Pas encore signé"
    half = api.post(contract(rental) + "/signatures", {"beneficiary": data_url()})
    assert half.status_code == 200 and half.json()["status"] == "pending"
    done = api.post(contract(rental) + "/signatures", {"staff": data_url(), "staff_name": "Paul"})
    body = done.json()
    assert done.status_code == 200, body
    assert body["status"] == "tablet" and body["label"].startswith("Signé sur tablette le")
    assert body["stale"] is False and body["version"] == 1
    (version,) = body["versions"]
    assert {line["line"] for line in version["signatures"]} == {"beneficiary", "staff"}
    assert version["pdf_url"] == contract(rental) + "/pdf?version=1"
    pdf = api.get(contract(rental) + "/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    content = b"".join(pdf.streaming_content)
    check_pdf(content, has=[rental.beneficiary.full_name, "Paul", version["content_hash"]])
    assert FileAccess.objects.filter(channel=FileAccessChannel.SIGNED_DOCUMENT).count() == 1
    pdf.close()  # last: closing the answer ends the request (and its database connection)


def test_a_bad_image_is_a_422_with_detail_and_writes_nothing(fleet_user, rental):
    api = ApiClient(fleet_user)
    for bad in ("data:image/png;base64,!!!", data_url(drawn_png(blank=True)), "hello"):
        with nothing_written():
            response = api.post(contract(rental) + "/signatures", {**BOTH, "staff": bad})
        assert response.status_code == 422
        assert response.json()["detail"].startswith("La signature")


def test_an_empty_body_is_a_422(fleet_user, rental):
    api = ApiClient(fleet_user)
    with nothing_written():
        response = api.post(contract(rental) + "/signatures", {})
    assert response.status_code == 422 and "Aucune signature" in response.json()["detail"]


def test_signing_again_without_change_is_a_409_and_a_change_opens_a_new_version(fleet_user, rental):
    api = ApiClient(fleet_user)
    api.post(contract(rental) + "/signatures", BOTH)
    with nothing_written():
        assert api.post(contract(rental) + "/signatures", BOTH).status_code == 409
    rental.deposit = Decimal("180.00")
    rental.save()
    assert api.get(contract(rental)).json()["stale"] is True
    body = api.post(contract(rental) + "/signatures", BOTH).json()
    assert body["version"] == 2 and body["stale"] is False and len(body["versions"]) == 2


def test_a_paper_scan_by_multipart(fleet_user, rental):
    api = ApiClient(fleet_user)
    response = upload(
        api, contract(rental) + "/scan", b"%PDF-1.7\n%%EOF\n", "c.pdf", "application/pdf"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "paper"
    assert api.get(contract(rental) + "/pdf").status_code == 404
    scan = api.get(contract(rental) + "/scan")
    assert scan.status_code == 200 and b"".join(scan.streaming_content).startswith(b"%PDF")
    scan.close()  # last: closing the answer ends the request (and its database connection)


def test_a_scan_of_another_type_is_a_422(fleet_user, rental):
    api = ApiClient(fleet_user)
    with nothing_written():
        response = upload(api, contract(rental) + "/scan", b"GIF89a...", "c.gif", "image/gif")
    assert response.status_code == 422 and "ni un PDF" in response.json()["detail"]


def test_roles_and_platforms_for_the_contract(platform, other_platform, rental):
    instructor = ApiClient(member(Role.INSTRUCTOR, platform))
    outsider = ApiClient(member(Role.FLEET, other_platform))
    with nothing_written():
        assert instructor.post(contract(rental) + "/signatures", BOTH).status_code == 403
        assert instructor.get(contract(rental)).status_code == 403
        assert outsider.post(contract(rental) + "/signatures", BOTH).status_code == 404
        assert outsider.get(contract(rental)).status_code == 404
        assert outsider.get(contract(rental) + "/pdf").status_code == 404
    assert ApiClient().get(contract(rental)).status_code == 401


def test_the_return_report_is_signed_once_returned(fleet_user, rental):
    api = ApiClient(fleet_user)
    path = f"/api/v1/fleet/rentals/{rental.pk}/return-report"
    with nothing_written():
        assert api.post(path + "/signatures", BOTH).status_code == 409
    fleet_services.rental_return(
        by=fleet_user, rental=rental, day=days_ago(0), odometer_km=rental.start_odometer_km + 10
    )
    assert api.post(path + "/signatures", BOTH).json()["status"] == "tablet"


def test_the_learning_agreement_is_signed_by_the_school(instructor, adviser, prescriber_org):
    enrolment = enrol(prescriber_org, adviser)
    api = ApiClient(instructor)
    body = api.post(agreement(enrolment) + "/signatures", BOTH).json()
    assert body["status"] == "tablet" and body["kind"] == "learning_agreement"
    read = api.get(f"/api/v1/drivingschool/enrolments/{enrolment.pk}").json()
    assert read["agreement_signed_on"] is not None
    pdf = api.get(agreement(enrolment) + "/pdf")
    assert pdf.status_code == 200
    pdf.close()


def test_roles_and_platforms_for_the_learning_agreement(
    platform, other_platform, adviser, prescriber_org
):
    enrolment = enrol(prescriber_org, adviser)
    fleet = ApiClient(member(Role.FLEET, platform))
    outsider = ApiClient(member(Role.INSTRUCTOR, other_platform))
    with nothing_written():
        assert fleet.post(agreement(enrolment) + "/signatures", BOTH).status_code == 403
        assert outsider.post(agreement(enrolment) + "/signatures", BOTH).status_code == 404
        assert outsider.get(agreement(enrolment)).status_code == 404


def test_the_signature_post_costs_the_same_queries_for_a_short_or_long_rental(
    fleet_user, rental, adviser, prescriber_org, platform
):
    long = hand_over(
        fleet_user, open_pathway(adviser, prescriber_org), VehicleFactory(platform=platform)
    )
    for day in range(1, 12):
        fleet_services.payment_record(
            by=fleet_user,
            rental=long,
            day=days_ago(day),
            amount=Decimal("5.00"),
            method=PaymentMethod.CASH,
        )
    api = ApiClient(fleet_user)
    ContentType.objects.get_for_model(rental)
    api.get(contract(rental))  # the token's first use is recorded once
    counts = []
    for signed in (rental, long):
        with CaptureQueriesContext(connection) as captured:
            assert api.post(contract(signed) + "/signatures", BOTH).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert SignedDocument.objects.filter(closed_at__isnull=False).count() == 2
