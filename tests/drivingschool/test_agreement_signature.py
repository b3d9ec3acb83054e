"""The learning agreement (contrat pédagogique) signed on the tablet from the enrolment's
page: frozen into its PDF with the signatures, names, time and hash; signing opens tranche
1 as the typed date does; the paper scan stays possible; a change of the agreement after
the signature asks for a new version."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from drivingschool.models import Enrolment
from mobility.enums import ProofKind, Role
from mobility.models import SignedDocument
from mobility.services import save_with_author
from tests.conftest import logged_in
from tests.drivingschool.conftest import enrol
from tests.factories import member
from tests.nothing_written import nothing_written
from tests.pdf_text import check_pdf
from tests.signatures import data_url, drawn_png

pytestmark = pytest.mark.django_db


def sign_url(enrolment):
    return reverse("drivingschool:agreement_tablet_sign", args=[enrolment.pk])


def scan_url(enrolment):
    return reverse("drivingschool:agreement_scan", args=[enrolment.pk])


def detail(enrolment):
    return reverse("drivingschool:enrolment_detail", args=[enrolment.pk])


def both(**extra):
    return {
        "beneficiary_signature": data_url(),
        "staff_signature": data_url(drawn_png(360, 120)),
        **extra,
    }


def test_the_enrolment_page_offers_the_pads(instructor, enrolment):
    html = logged_in(instructor).get(detail(enrolment)).content.decode()
    assert "Pas encore signé" in html and html.count('class="signature-field"') == 2
    assert "Joindre le scan" in html


def test_signing_on_the_tablet_freezes_the_agreement_and_opens_tranche_1(instructor, enrolment):
    client = logged_in(instructor)
    assert client.post(sign_url(enrolment), both(staff_name="Marc Moniteur")).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.agreement_signed_on == timezone.localdate()
    document = SignedDocument.objects.get()
    assert document.proof == ProofKind.TABLET
    html = client.get(detail(enrolment)).content.decode()
    assert "Signé sur tablette le" in html and 'class="signature-field"' not in html
    beneficiary = enrolment.pathway.beneficiary
    response = client.get(reverse("signed_document_download", args=[document.pk, "pdf"]))
    content = b"".join(response.streaming_content)
    response.close()
    check_pdf(
        content,
        has=[
            "Contrat pédagogique",
            beneficiary.full_name,
            "Marc Moniteur",
            "Signé sur tablette le",
            document.content_hash,
            "version 1, signée sur tablette le",
        ],
    )


def test_a_bad_drawing_is_refused_in_french(instructor, enrolment):
    client = logged_in(instructor)
    with nothing_written():
        response = client.post(sign_url(enrolment), both(beneficiary_signature="data:,x"))
    assert response.status_code == 422
    assert "La signature doit être une image PNG" in response.content.decode()


def test_a_changed_agreement_is_said_and_signed_again_as_a_new_version(instructor, enrolment):
    client = logged_in(instructor)
    client.post(sign_url(enrolment), both())
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    enrolment.theory_hours = Decimal("25")
    save_with_author(enrolment, by=instructor)
    html = client.get(detail(enrolment)).content.decode()
    assert "modifié depuis la signature" in html
    assert client.post(sign_url(enrolment), both()).status_code == 302
    assert list(SignedDocument.objects.order_by("version").values_list("version", flat=True)) == [
        1,
        2,
    ]
    assert "modifié depuis la signature" not in client.get(detail(enrolment)).content.decode()


def test_the_paper_scan_is_attached_instead(adviser, enrolment):
    client = logged_in(adviser)
    scan = SimpleUploadedFile("contrat.png", drawn_png(), "image/png")
    assert client.post(scan_url(enrolment), {"scan": scan}).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.agreement_signed_on == timezone.localdate()
    assert "Scan papier joint le" in client.get(detail(enrolment)).content.decode()


def test_roles_and_platforms(platform, other_platform, enrolment):
    fleet = logged_in(member(Role.FLEET, platform))
    outsider = logged_in(member(Role.INSTRUCTOR, other_platform))
    with nothing_written():
        assert fleet.post(sign_url(enrolment), both()).status_code == 403
        assert outsider.post(sign_url(enrolment), both()).status_code == 404
        assert outsider.post(scan_url(enrolment), {}).status_code == 404


def test_the_signature_write_costs_the_same_queries_for_two_enrolments(
    instructor, adviser, prescriber_org
):
    small = enrol(prescriber_org, adviser)
    large = enrol(prescriber_org, adviser, theory_hours=Decimal("60"))
    client = logged_in(instructor)
    ContentType.objects.get_for_model(small)
    counts = []
    for enrolment in (small, large):
        with CaptureQueriesContext(connection) as captured:
            assert client.post(sign_url(enrolment), both()).status_code == 302
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
