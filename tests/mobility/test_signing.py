"""The signed documents' services (mobility/signing.py): open a version, sign its lines,
freeze it into a PDF, refuse any change once closed, open a new version when the object
changed, attach a paper scan instead, erase the person's signatures with them, and log
every download."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from mobility import signing
from mobility.enums import FileAccessChannel, ProofKind, Role, SignedDocumentKind, SignerRole
from mobility.errors import Conflict, Forbidden, InvalidInput
from mobility.models import FileAccess, Signature, SignedDocument
from mobility.pdf import html_to_pdf
from mobility.registry import registry
from mobility.services import beneficiary_anonymise
from tests.conftest import logged_in
from tests.factories import BeneficiaryFactory, member
from tests.nothing_written import nothing_written
from tests.pdf_text import check_pdf
from tests.signatures import drawn_png

pytestmark = pytest.mark.django_db

KIND = SignedDocumentKind.RENTAL_CONTRACT
PDF_TEMPLATE = Template(
    "{% load i18n %}<html><head><style>"
    "@page { @bottom-center { content: '{{ signed_footer }}'; font-size: 6pt; } }"
    "{% include 'mobility/_signatures_pdf_style.html' %}</style></head><body>"
    "<h1>Contrat de test</h1><p>Caution : {{ signed_document.content.deposit }}</p>"
    "{% include 'mobility/_signatures_pdf.html' %}</body></html>"
)


def render_test_pdf(document, signatures):
    context = signing.signed_pdf_context(document, signatures)
    return html_to_pdf(PDF_TEMPLATE.render(Context(context)))


@pytest.fixture(autouse=True)
def renderer(monkeypatch):
    monkeypatch.setitem(registry.signed_pdfs, KIND, render_test_pdf)


@pytest.fixture
def person(platform):
    return BeneficiaryFactory(platform=platform, first_name="Inès", last_name="Benali")


def payload(deposit="150.00"):
    return {"person": "Inès Benali", "deposit": deposit}


def open_document(person, by, deposit="150.00"):
    # The person stands for the signed object: the core does not know the modules' models.
    return signing.signed_document_open(
        obj=person,
        kind=KIND,
        payload=payload(deposit),
        platform=person.platform_id,
        people=[person],
        by=by,
    )


def sign_both(document, person, by):
    return signing.signatures_add(
        document=document,
        lines=[
            signing.SignatureLine(
                "beneficiary",
                SignerRole.BENEFICIARY,
                "Inès Benali",
                drawn_png(),
                beneficiary_id=person.pk,
            ),
            signing.SignatureLine("staff", SignerRole.STAFF, "Paul Agent", drawn_png()),
        ],
        by=by,
    )


def test_opening_twice_gives_the_same_version(person, fleet_user):
    first = open_document(person, fleet_user)
    assert open_document(person, fleet_user).pk == first.pk
    assert first.version == 1 and not first.closed
    assert list(first.people.all()) == [person]
    assert signing.proof_of(person, KIND).label == "Pas encore signé"


def test_an_open_version_without_signatures_follows_the_object(person, fleet_user):
    first = open_document(person, fleet_user)
    again = open_document(person, fleet_user, deposit="100.00")
    assert again.pk == first.pk
    assert again.content["deposit"] == "100.00"
    assert again.content_hash == signing.content_hash(payload("100.00"))


def test_signing_and_closing_freezes_a_pdf_with_the_names_and_the_hash(person, fleet_user):
    document = open_document(person, fleet_user)
    sign_both(document, person, fleet_user)
    assert signing.proof_of(person, KIND).status == "pending"
    closed = signing.signed_document_close(
        document=document, by=fleet_user, required_lines=["beneficiary", "staff"]
    )
    assert closed.proof == ProofKind.TABLET and closed.closed_at and closed.pdf
    with closed.pdf.open("rb") as stored:
        check_pdf(
            stored.read(),
            has=["Inès Benali", "Paul Agent", "Signé sur tablette le", closed.content_hash],
        )
    proof = signing.proof_of(person, KIND, payload())
    assert proof.status == "tablet" and not proof.stale
    assert proof.label.startswith("Signé sur tablette le ")


def test_closing_needs_every_required_line(person, fleet_user):
    document = open_document(person, fleet_user)
    signing.signature_add(
        document=document,
        line="staff",
        signer_role=SignerRole.STAFF,
        signer_name="Paul Agent",
        image=drawn_png(),
        by=fleet_user,
    )
    with nothing_written(), pytest.raises(InvalidInput, match="beneficiary"):
        signing.signed_document_close(
            document=document, by=fleet_user, required_lines=["beneficiary", "staff"]
        )


def test_a_closed_document_refuses_any_signature_and_a_scan(person, fleet_user):
    document = open_document(person, fleet_user)
    sign_both(document, person, fleet_user)
    signing.signed_document_close(document=document, by=fleet_user)
    with nothing_written():
        with pytest.raises(Conflict, match="figé"):
            sign_both(document, person, fleet_user)
        with pytest.raises(Conflict, match="figé"):
            signing.signed_document_close(document=document, by=fleet_user)
        with pytest.raises(Conflict, match="figé"):
            signing.signed_document_attach_scan(
                document=document, by=fleet_user, file=ContentFile(b"%PDF-1.7\n", name="s.pdf")
            )


def test_a_change_after_closing_is_said_and_opens_a_new_version(person, fleet_user):
    document = open_document(person, fleet_user)
    sign_both(document, person, fleet_user)
    signing.signed_document_close(document=document, by=fleet_user)
    # The object changed (a lower deposit): the signed version no longer matches it.
    assert open_document(person, fleet_user, deposit="100.00").pk == document.pk
    proof = signing.proof_of(person, KIND, payload("100.00"))
    assert proof.stale and "modifié depuis la signature" in proof.label
    new = signing.signed_document_new_version(
        obj=person, kind=KIND, payload=payload("100.00"), people=[person], by=fleet_user
    )
    assert new.version == 2 and not new.closed
    document.refresh_from_db()
    assert document.superseded_at is not None and document.pdf  # the old one stays
    assert signing.current_document(person, KIND).pk == new.pk
    assert document.history.count() >= 3  # opened, closed, superseded
    with pytest.raises(Conflict, match="pas encore signée"):
        signing.signed_document_new_version(
            obj=person, kind=KIND, payload=payload("90.00"), people=[person], by=fleet_user
        )


def test_no_new_version_when_nothing_changed(person, fleet_user):
    document = open_document(person, fleet_user)
    sign_both(document, person, fleet_user)
    signing.signed_document_close(document=document, by=fleet_user)
    with nothing_written(), pytest.raises(Conflict, match="Rien n'a changé"):
        signing.signed_document_new_version(
            obj=person, kind=KIND, payload=payload(), people=[person], by=fleet_user
        )


def test_signatures_given_to_an_older_content_stay_on_a_superseded_version(person, fleet_user):
    document = open_document(person, fleet_user)
    sign_both(document, person, fleet_user)
    new = open_document(person, fleet_user, deposit="100.00")
    assert new.version == 2 and new.signatures.count() == 0
    document.refresh_from_db()
    assert document.superseded_at is not None and document.signatures.count() == 2


def test_a_paper_scan_closes_the_version_with_a_paper_proof(person, fleet_user):
    document = open_document(person, fleet_user)
    scanned = signing.signed_document_attach_scan(
        document=document, by=fleet_user, file=ContentFile(b"%PDF-1.7\n%%EOF\n", name="scan.pdf")
    )
    assert scanned.proof == ProofKind.PAPER and scanned.scan_content_type == "application/pdf"
    assert signing.proof_of(person, KIND).label.startswith("Scan papier joint le ")


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "vide"), (b"GIF89a not accepted", "ni un PDF")],
)
def test_a_scan_that_is_not_a_pdf_or_an_image_is_refused(person, fleet_user, content, reason):
    document = open_document(person, fleet_user)
    with nothing_written(), pytest.raises(InvalidInput, match=reason):
        signing.signed_document_attach_scan(
            document=document, by=fleet_user, file=ContentFile(content, name="scan.pdf")
        )


def test_a_role_that_does_not_sign_this_kind_is_refused(person, platform, fleet_user):
    instructor = member(Role.INSTRUCTOR, platform)
    with nothing_written(), pytest.raises(Forbidden):
        open_document(person, instructor)
    document = open_document(person, fleet_user)
    with nothing_written(), pytest.raises(Forbidden):
        sign_both(document, person, instructor)


def test_staff_of_another_platform_cannot_sign(person, other_platform, fleet_user):
    outsider = member(Role.FLEET, other_platform)
    document = open_document(person, fleet_user)
    with nothing_written(), pytest.raises(Forbidden):
        sign_both(document, person, outsider)


def test_a_line_signed_again_is_replaced_while_open(person, fleet_user):
    document = open_document(person, fleet_user)
    sign_both(document, person, fleet_user)
    first_image = Signature.objects.get(document=document, line="staff").image.name
    signing.signature_add(
        document=document,
        line="staff",
        signer_role=SignerRole.STAFF,
        signer_name="Paula Agente",
        image=drawn_png(300, 100),
        by=fleet_user,
    )
    staff = Signature.objects.get(document=document, line="staff")
    assert staff.signer_name == "Paula Agente" and staff.image.name != first_image
    assert staff.history.count() == 2


def test_the_database_keeps_one_current_version_and_one_signature_per_line(person, fleet_user):
    document = open_document(person, fleet_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignedDocument.objects.create(
            platform_id=document.platform_id,
            kind=KIND,
            content_type=document.content_type,
            object_id=document.object_id,
            version=2,
            content_hash="x",
        )
    sign_both(document, person, fleet_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(
            platform_id=document.platform_id,
            document=document,
            line="staff",
            signer_role=SignerRole.STAFF,
            signer_name="X",
            recorded_by=fleet_user,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SignedDocument.objects.filter(pk=document.pk).update(proof=ProofKind.TABLET)


def test_adding_signatures_costs_the_same_queries_for_two_or_twenty_lines(
    person, fleet_user, django_assert_num_queries
):
    def lines(count):
        return [
            signing.SignatureLine(
                f"attendance:{i}", SignerRole.BENEFICIARY, f"P {i}", drawn_png(200, 80)
            )
            for i in range(count)
        ]

    document = open_document(person, fleet_user)
    fleet_user.active_memberships()
    with django_assert_num_queries(6) as small:
        signing.signatures_add(document=document, lines=lines(2), by=fleet_user)
    other = signing.signed_document_open(
        obj=fleet_user,
        kind=KIND,
        payload={},
        platform=person.platform_id,
        people=[],
        by=fleet_user,
    )
    with django_assert_num_queries(len(small.captured_queries)):
        signing.signatures_add(document=other, lines=lines(20), by=fleet_user)


def test_anonymisation_erases_the_persons_signature_and_the_files_naming_them(
    person, fleet_user, private_media
):
    document = open_document(person, fleet_user)
    sign_both(document, person, fleet_user)
    signing.signed_document_close(document=document, by=fleet_user)
    document.refresh_from_db()
    own = Signature.objects.get(document=document, line="beneficiary")
    stored = [own.image.name, document.pdf.name]
    with django_capture_on_commit():
        beneficiary_anonymise(beneficiary=person)
    own.refresh_from_db()
    document.refresh_from_db()
    assert own.image.name == "" and own.signer_name == "Personne anonymisée"
    assert document.pdf.name == "" and document.content == {}
    assert Signature.objects.get(document=document, line="staff").signer_name == "Paul Agent"
    assert not any((private_media / name).exists() for name in stored)
    assert all(not h.image for h in own.history.all())


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_the_download_checks_the_role_and_platform_and_is_logged(
    person, fleet_user, platform, other_platform
):
    document = open_document(person, fleet_user)
    sign_both(document, person, fleet_user)
    signing.signed_document_close(document=document, by=fleet_user)
    url = reverse("signed_document_download", args=[document.pk, "pdf"])
    response = logged_in(fleet_user).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"].startswith("private, no-store")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        FileAccess.objects.filter(
            beneficiary=person, user=fleet_user, channel=FileAccessChannel.SIGNED_DOCUMENT
        ).count()
        == 1
    )
    for outsider in (
        member(Role.INSTRUCTOR, platform),
        member(Role.PRESCRIBER, platform),
        member(Role.FLEET, other_platform),
    ):
        client = logged_in(outsider)
        with nothing_written():
            assert client.get(url).status_code == 404
    assert (
        logged_in(fleet_user)
        .get(reverse("signed_document_download", args=[document.pk, "scan"]))
        .status_code
        == 404
    )
    assert Client().get(url).status_code == 302
