"""Documents of a person: upload and download per role, refusals in French that write
nothing, another platform's documents unseen, downloads logged, files erased with the
person."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from documents import services
from documents.models import PersonDocument
from documents.rules import (
    DocumentKind,
    DocumentType,
    is_expired,
    sniff,
    upload_errors,
    visible_kinds,
)
from mobility import services as mobility_services
from mobility.enums import FileAccessChannel, Role
from mobility.models import FileAccess
from tests.conftest import logged_in
from tests.factories import BeneficiaryFactory, member
from tests.nothing_written import nothing_written

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


# Pure rules ---------------------------------------------------------------------------------


def test_types_are_recognised_by_their_first_bytes():
    assert sniff(PDF) == DocumentType.PDF
    assert sniff(JPEG) == DocumentType.JPEG
    assert sniff(PNG) == DocumentType.PNG
    assert sniff(b"MZ\x90\x00") is None  # an executable called licence.pdf
    assert sniff(b"") is None
    assert sniff(b"%PDF") is None  # the signature is "%PDF-"


@given(st.binary(max_size=16))
def test_anything_else_is_refused(head):
    accepted = any(head.startswith(s) for s in (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))
    assert (sniff(head) is not None) == accepted
    errors = upload_errors(head=head, size=len(head) or 1, max_bytes=100)
    assert (errors == []) == accepted


def test_size_errors_say_the_limit_in_french():
    ten = 10 * 1024 * 1024
    assert upload_errors(head=PDF, size=ten, max_bytes=ten) == []
    assert upload_errors(head=PDF, size=ten + 1, max_bytes=ten) == [
        "Le fichier pèse 10 Mo : 10 Mo au plus."
    ]
    assert upload_errors(head=PDF, size=0, max_bytes=ten) == ["Le fichier est vide."]


def test_who_sees_which_kind():
    everything = set(DocumentKind)
    assert visible_kinds([Role.ADMIN]) == everything
    assert visible_kinds([Role.ADVISER]) == everything
    assert visible_kinds([Role.FLEET]) == {DocumentKind.LICENCE, DocumentKind.WORK_CONTRACT}
    for role in (Role.INSTRUCTOR, Role.PRESCRIBER, Role.FUNDER):
        assert visible_kinds([role]) == set()
    assert visible_kinds([Role.FLEET, Role.ADVISER]) == everything


def test_a_document_is_valid_on_its_last_day_and_expired_the_next():
    day = date(2026, 6, 30)
    assert not is_expired(day, day)
    assert is_expired(day, day + timedelta(days=1))
    assert not is_expired(None, day)


# Pages -------------------------------------------------------------------------------------


@pytest.fixture
def beneficiary(platform):
    return BeneficiaryFactory(platform=platform)


def upload(client, beneficiary, *, kind="licence", content=PDF, name="permis.pdf", expires=""):
    return client.post(
        reverse("documents:upload", args=[beneficiary.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content), "expires_on": expires},
    )


def stored(beneficiary, by, kind=DocumentKind.LICENCE, content=PDF, expires_on=None):
    return services.document_upload(
        beneficiary=beneficiary,
        by=by,
        kind=kind,
        file=ContentFile(content, name="scan.pdf"),
        expires_on=expires_on,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.ADVISER])
def test_casework_uploads_and_downloads_every_kind(role, platform, beneficiary, private_media):
    user = member(role, platform)
    client = logged_in(user)
    response = upload(client, beneficiary, kind="rsa_proof", expires="2030-01-31")
    assert response.status_code == 302
    document = PersonDocument.objects.get()
    assert (document.kind, document.content_type, document.size) == (
        "rsa_proof",
        "application/pdf",
        len(PDF),
    )
    assert document.expires_on == date(2030, 1, 31)
    assert document.uploaded_by == user
    # Stored under a random name in the private folder, not the person's name.
    assert (private_media / document.file.name).read_bytes() == PDF
    assert beneficiary.last_name not in document.file.name
    assert document.history.count() == 1

    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    access = FileAccess.objects.get()
    assert (access.user, access.beneficiary, access.channel) == (
        user,
        beneficiary,
        FileAccessChannel.DOCUMENT,
    )


@pytest.mark.django_db
def test_fleet_staff_see_the_licence_and_the_work_contract_only(platform, beneficiary, adviser):
    licence = stored(beneficiary, adviser, DocumentKind.LICENCE)
    rsa = stored(beneficiary, adviser, DocumentKind.RSA_PROOF)
    client = logged_in(member(Role.FLEET, platform))
    response = client.get(reverse("documents:download", args=[licence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert client.get(reverse("documents:download", args=[rsa.pk])).status_code == 404
    page = client.get(reverse("beneficiary_detail", args=[beneficiary.pk])).content.decode()
    assert "Permis de conduire" in page and "Justificatif de RSA" not in page
    with nothing_written():
        response = upload(client, beneficiary, kind="rsa_proof")
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert upload(client, beneficiary, kind="work_contract").status_code == 302


@pytest.mark.django_db
def test_other_roles_never_see_documents(platform, beneficiary, adviser, prescriber, funder):
    document = stored(beneficiary, adviser)
    for user in (member(Role.INSTRUCTOR, platform), prescriber, funder):
        client = logged_in(user)
        assert client.get(reverse("documents:download", args=[document.pk])).status_code == 403
        with nothing_written():
            assert upload(client, beneficiary).status_code == 403
    page = logged_in(member(Role.INSTRUCTOR, platform)).get(
        reverse("beneficiary_detail", args=[beneficiary.pk])
    )
    assert 'id="documents"' not in page.content.decode()
    assert not FileAccess.objects.filter(channel=FileAccessChannel.DOCUMENT).exists()


@pytest.mark.django_db
def test_another_platform_gets_404(beneficiary, adviser, other_adviser):
    document = stored(beneficiary, adviser)
    client = logged_in(other_adviser)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    with nothing_written():
        assert upload(client, beneficiary).status_code == 404
    assert not FileAccess.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"MZ\x90\x00 not a pdf",
            "permis.pdf",
            "n&#x27;est ni un PDF, ni une image JPEG, ni une image PNG",
        ),
        (b"GIF89a" + b"\x00" * 20, "photo.png", "n&#x27;est ni un PDF"),
        (b"%PDF-" + b"x" * 3000, "gros.pdf", "Le fichier pèse"),
    ],
)
def test_wrong_type_or_size_is_a_french_error_that_writes_nothing(
    content, name, message, adviser, beneficiary, private_media, settings
):
    settings.DOCUMENT_MAX_BYTES = 2048
    client = logged_in(adviser)
    with nothing_written():
        response = upload(client, beneficiary, content=content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not private_media.exists() or not any(private_media.rglob("*.*"))


@pytest.mark.django_db
def test_jpeg_and_png_are_accepted(adviser, beneficiary):
    client = logged_in(adviser)
    assert upload(client, beneficiary, content=JPEG, name="a.jpg").status_code == 302
    assert (
        upload(client, beneficiary, content=PNG, name="b.png", kind="identity").status_code == 302
    )
    assert set(PersonDocument.objects.values_list("content_type", flat=True)) == {
        "image/jpeg",
        "image/png",
    }


@pytest.mark.django_db
def test_the_file_lists_documents_with_their_expiry(adviser, beneficiary):
    today = timezone.localdate()
    stored(beneficiary, adviser, DocumentKind.WORK_CONTRACT, expires_on=today - timedelta(days=1))
    stored(beneficiary, adviser, DocumentKind.LICENCE, expires_on=today + timedelta(days=30))
    page = logged_in(adviser).get(reverse("beneficiary_detail", args=[beneficiary.pk]))
    html = page.content.decode()
    assert "Contrat de travail" in html and "Permis de conduire" in html
    assert html.count(">expiré<") == 1


@pytest.mark.django_db
def test_the_file_page_costs_the_same_queries_with_one_or_many_documents(
    adviser, beneficiary, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(adviser)
    url = reverse("beneficiary_detail", args=[beneficiary.pk])
    stored(beneficiary, adviser)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for kind in DocumentKind:
        stored(beneficiary, member(Role.ADVISER, beneficiary.platform), kind)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


@pytest.mark.django_db
def test_anonymisation_deletes_the_files(
    adviser, beneficiary, private_media, django_capture_on_commit_callbacks
):
    document = stored(beneficiary, adviser, expires_on=date(2030, 1, 1))
    path = private_media / document.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        mobility_services.beneficiary_anonymise(beneficiary=beneficiary)
    assert not path.exists()
    document.refresh_from_db()
    assert (document.file.name, document.content_type, document.original_name) == ("", "", "")
    assert document.kind == DocumentKind.LICENCE  # the row says a document existed
    assert not PersonDocument.history.exclude(file="").exists()
    client = logged_in(adviser)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    page = client.get(reverse("beneficiary_detail", args=[beneficiary.pk])).content.decode()
    assert "fichier effacé" in page and "Ajouter un document" not in page
    with nothing_written():
        assert upload(client, beneficiary).status_code == 200


@pytest.mark.django_db
def test_only_the_upload_page_takes_a_document_sized_body(adviser, beneficiary, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.DOCUMENT_MAX_BYTES = 4096
    client = logged_in(adviser)
    with nothing_written():
        big = upload(client, beneficiary, content=b"%PDF-" + b"x" * 200_000)
    assert big.status_code == 413
    assert upload(client, beneficiary, content=b"%PDF-" + b"x" * 3000).status_code == 302
    elsewhere = client.post(
        reverse("pathway_close", args=[1]), {"x": "y" * 3000}, HTTP_ACCEPT="text/html"
    )
    assert elsewhere.status_code == 413


@pytest.mark.django_db
def test_the_work_contract_on_file_gives_the_contract_end_to_eligibility(
    fleet_user, adviser, prescriber_org
):
    from fleet import services as fleet_services
    from tests.fleet.conftest import VehicleFactory, hand_over, open_pathway

    pathway = open_pathway(adviser, prescriber_org, contract="cdd")
    vehicle = VehicleFactory(platform=pathway.platform)
    start = pathway.referrals.get().job_start_date
    codes = {
        m.code for m in fleet_services.missing_for(pathway=pathway, kind=vehicle.kind, on=start)
    }
    assert "contract_dates_unknown" in codes
    stored(
        pathway.beneficiary,
        adviser,
        DocumentKind.WORK_CONTRACT,
        expires_on=start + timedelta(days=90),
    )
    rental = hand_over(fleet_user, pathway, vehicle)
    assert not rental.eligibility_overridden
