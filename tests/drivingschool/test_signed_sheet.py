"""The driving school's signed attendance sheet: each present or late person signs their
line, the instructor closes it, in the sheet's one submit; the frozen PDF; a change
afterwards opens the next version; the paper scan instead."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from drivingschool import services
from drivingschool.models import Attendance
from mobility.errors import Conflict, InvalidInput
from mobility.models import Signature, SignedDocument
from mobility.signing import current_document, proof_of
from tests.conftest import logged_in
from tests.drivingschool.conftest import enrol, lesson
from tests.nothing_written import nothing_written
from tests.pdf_text import check_pdf
from tests.signatures import data_url, drawn_png

pytestmark = pytest.mark.django_db


def sheet_url(held):
    return reverse("drivingschool:attendance_sheet", args=[held.pk])


def row(enrolment, status="present", late=None):
    return services.AttendanceRow(enrolment.pk, status, late_minutes=late)


@pytest.fixture
def people(prescriber_org, adviser):
    return [enrol(prescriber_org, adviser) for _ in range(2)]


def test_people_sign_then_the_instructor_closes_into_a_frozen_pdf(instructor, people):
    held = lesson(instructor, people, instructor=instructor)
    came, absent = people
    services.attendance_sheet_submit(
        by=instructor,
        lesson=held,
        rows=[row(came, "late", 10), row(absent, "unexcused")],
        signatures={f"attendance:{came.pk}": drawn_png()},
    )
    document = current_document(held, "lesson_sheet")
    assert not document.closed
    assert proof_of(held, "lesson_sheet").status == "pending"
    services.attendance_sheet_submit(
        by=instructor,
        lesson=held,
        rows=[row(came, "late", 10), row(absent, "unexcused")],
        closing=drawn_png(),
    )
    document.refresh_from_db()
    assert document.closed and document.proof == "tablet"
    assert set(document.signatures.values_list("line", flat=True)) == {
        f"attendance:{came.pk}",
        "closing",
    }
    closing = document.signatures.get(line="closing")
    assert closing.signer_name == instructor.get_full_name()
    with document.pdf.open("rb") as stored:
        check_pdf(
            stored.read(),
            has=[
                came.beneficiary.full_name,
                absent.beneficiary.full_name,
                "En retard (10 min)",
                "Absence injustifiée",
                instructor.get_full_name(),
                document.content_hash,
                "Signé sur tablette le",
            ],
        )


def test_an_absent_person_s_line_is_not_signed_and_nothing_is_written(instructor, people):
    held = lesson(instructor, people)
    came, absent = people
    with nothing_written(), pytest.raises(InvalidInput) as refused:
        services.attendance_sheet_submit(
            by=instructor,
            lesson=held,
            rows=[row(came), row(absent, "unexcused")],
            signatures={f"attendance:{absent.pk}": drawn_png()},
        )
    assert f"attendance:{absent.pk}" in refused.value.errors


def test_closing_needs_every_present_person_s_signature(instructor, people):
    held = lesson(instructor, people)
    came, other = people
    with nothing_written(), pytest.raises(InvalidInput) as refused:
        services.attendance_sheet_submit(
            by=instructor,
            lesson=held,
            rows=[row(came), row(other)],
            signatures={f"attendance:{came.pk}": drawn_png()},
            closing=drawn_png(),
        )
    assert other.beneficiary.full_name in refused.value.errors["closing"]


def test_a_change_after_closing_opens_the_next_version_the_old_one_stays(instructor, people):
    held = lesson(instructor, people)
    came, other = people
    signatures = {f"attendance:{p.pk}": drawn_png() for p in people}
    services.attendance_sheet_submit(
        by=instructor,
        lesson=held,
        rows=[row(came), row(other)],
        signatures=signatures,
        closing=drawn_png(),
    )
    first = current_document(held, "lesson_sheet")
    # Signing again what did not change is refused: the closed sheet stands.
    with pytest.raises(Conflict):
        services.attendance_sheet_submit(
            by=instructor, lesson=held, rows=[row(came), row(other)], closing=drawn_png()
        )
    # A refused correction (an excused absence needs its reason) changes nothing.
    with pytest.raises(InvalidInput):
        services.attendance_sheet_submit(
            by=instructor, lesson=held, rows=[row(came), row(other, "excused")]
        )
    assert current_document(held, "lesson_sheet") == first


def test_a_corrected_attendance_after_closing_opens_version_2(instructor, people):
    held = lesson(instructor, people)
    came, other = people
    services.attendance_sheet_submit(
        by=instructor,
        lesson=held,
        rows=[row(came), row(other)],
        signatures={f"attendance:{p.pk}": drawn_png() for p in people},
        closing=drawn_png(),
    )
    first = current_document(held, "lesson_sheet")
    services.attendance_sheet_submit(
        by=instructor, lesson=held, rows=[row(came), row(other, "unexcused")]
    )
    second = current_document(held, "lesson_sheet")
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.superseded_at is not None and first.pdf  # kept, with its PDF
    assert not second.closed
    proof = proof_of(held, "lesson_sheet")
    assert proof.version == 2 and proof.status == "none"


def test_the_page_signs_and_closes_in_one_submit(instructor, people):
    held = lesson(instructor, people)
    came, other = people
    client = logged_in(instructor)
    page = client.get(sheet_url(held)).content.decode()
    assert "signature-field" in page and "Pas encore signé" in page
    form = {
        f"status_{came.pk}": "present",
        f"status_{other.pk}": "present",
        f"signature_{came.pk}": data_url(),
        f"signature_{other.pk}": data_url(),
        "closing_signature": data_url(),
    }
    response = client.post(sheet_url(held), form)
    assert response.status_code == 302
    document = current_document(held, "lesson_sheet")
    assert document.closed
    page = client.get(sheet_url(held)).content.decode()
    assert "Signé sur tablette le" in page
    assert reverse("signed_document_download", args=[document.pk, "pdf"]) in page
    assert 'name="closing_signature"' not in page  # a closed sheet hides its pads


def test_a_blank_or_bad_drawing_is_a_french_error_on_its_line_nothing_written(instructor, people):
    held = lesson(instructor, people)
    came, _other = people
    client = logged_in(instructor)
    with nothing_written():
        response = client.post(
            sheet_url(held),
            {
                f"status_{came.pk}": "present",
                f"signature_{came.pk}": "data:image/gif;base64,R0lGOD",
            },
        )
    assert response.status_code == 422
    assert "La signature doit être une image PNG" in response.content.decode()
    assert not Attendance.objects.filter(lesson=held).exists()


def test_signing_the_sheet_costs_the_same_queries_for_2_or_8_people(
    instructor, adviser, prescriber_org
):
    client = logged_in(instructor)
    counts = []
    for size in (2, 8):
        group = [enrol(prescriber_org, adviser) for _ in range(size)]
        held = lesson(instructor, group)
        form = {}
        for person in group:
            form[f"status_{person.pk}"] = "present"
            form[f"signature_{person.pk}"] = data_url()
        with CaptureQueriesContext(connection) as saved:
            assert client.post(sheet_url(held), form).status_code == 302
        assert Signature.objects.filter(document__object_id=held.pk).count() == size
        counts.append(len(saved.captured_queries))
    assert counts[0] == counts[1]


def test_a_paper_scan_is_the_proof_instead(instructor, people):
    held = lesson(instructor, people)
    client = logged_in(instructor)
    scan = SimpleUploadedFile("feuille.png", drawn_png(), content_type="image/png")
    url = reverse("drivingschool:attendance_sheet_scan", args=[held.pk])
    assert client.post(url, {"scan": scan}).status_code == 302
    document = current_document(held, "lesson_sheet")
    assert document.proof == "paper" and document.scan_content_type == "image/png"
    assert "Scan papier joint le" in client.get(sheet_url(held)).content.decode()


def test_a_scan_that_is_not_a_pdf_or_image_is_refused_nothing_written(instructor, people):
    held = lesson(instructor, people)
    client = logged_in(instructor)
    scan = SimpleUploadedFile("feuille.pdf", b"MZ not a pdf", content_type="application/pdf")
    url = reverse("drivingschool:attendance_sheet_scan", args=[held.pk])
    with nothing_written():
        response = client.post(url, {"scan": scan}, follow=True)
    assert not SignedDocument.objects.exists()
    assert "PDF" in response.content.decode()


def test_another_platform_s_instructor_neither_sees_nor_scans(other_instructor, people, instructor):
    held = lesson(instructor, people)
    client = logged_in(other_instructor)
    assert client.get(sheet_url(held)).status_code == 404
    scan = SimpleUploadedFile("feuille.png", drawn_png(), content_type="image/png")
    url = reverse("drivingschool:attendance_sheet_scan", args=[held.pk])
    with nothing_written():
        assert client.post(url, {"scan": scan}).status_code == 404
