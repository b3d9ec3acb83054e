"""A funder's audit pack of signed attendance sheets: the page lists the period's funded
sessions and the missing signatures before the download; the one PDF holds each signed
sheet and the hours per person. Admins only: it names people."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accompaniment import services as workshop_services
from accompaniment.demo import install_catalogue
from drivingschool import services as school_services
from mobility.enums import Role
from mobility.models import FileAccess
from mobility.sheet_audit import AuditRequest, audit_pack, resolve
from tests.accompaniment.conftest import open_pathway
from tests.conftest import logged_in
from tests.drivingschool.conftest import enrol, lesson
from tests.factories import OrganisationFactory, member
from tests.pdf_text import check_pdf
from tests.signatures import drawn_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def funder_org(platform):
    return OrganisationFactory(platform=platform, funder=True, name="Conseil départemental")


def present(enrolment, late=None):
    status = "late" if late else "present"
    return school_services.AttendanceRow(enrolment.pk, status, late_minutes=late)


def query(funder_org, days=30):
    today = timezone.localdate()
    return {
        "start": (today - timedelta(days=days)).isoformat(),
        "end": today.isoformat(),
        "funder": funder_org.pk,
    }


@pytest.fixture
def signed_and_unsigned(admin_user, adviser, instructor, prescriber_org, funder_org):
    """Two code lessons the funder pays for: one signed and closed, one where a present
    person has not signed; a workshop session of the funder with its paper scan."""
    ours = enrol(prescriber_org, adviser, theory_funder=funder_org)
    other = enrol(prescriber_org, adviser)
    signed = lesson(instructor, [ours, other], instructor=instructor, days_ago=3, minutes=120)
    school_services.attendance_sheet_submit(
        by=instructor,
        lesson=signed,
        rows=[present(ours, late=30), present(other)],
        signatures={f"attendance:{ours.pk}": drawn_png(), f"attendance:{other.pk}": drawn_png()},
        closing=drawn_png(),
    )
    unsigned = lesson(instructor, [ours], instructor=instructor, days_ago=2, minutes=60)
    school_services.attendance_sheet_submit(by=instructor, lesson=unsigned, rows=[present(ours)])
    pathway = open_pathway(prescriber_org, adviser, first_name="Wanda", last_name="Atelier")
    catalogue = install_catalogue(platform=prescriber_org.platform, by=admin_user)
    start = timezone.now().replace(microsecond=0) - timedelta(days=1)
    session = workshop_services.session_schedule(
        by=adviser,
        action_type=catalogue["mobility_workshop"],
        start=start,
        duration_minutes=90,
        place="Salle",
        capacity=5,
        funder=funder_org,
    )
    workshop_services.registration_create(by=adviser, session=session, pathway=pathway)
    workshop_services.attendance_record(
        by=adviser,
        session=session,
        rows=[workshop_services.AttendanceRow(pathway.pk, "present")],
    )
    workshop_services.attendance_sheet_attach_scan(
        by=adviser,
        session=session,
        file=SimpleUploadedFile("scan.png", drawn_png(900, 600), content_type="image/png"),
    )
    return {
        "ours": ours,
        "other": other,
        "signed": signed,
        "unsigned": unsigned,
        "session": session,
    }


def test_the_pack_says_which_sheets_are_complete_and_who_is_missing(
    admin_user, funder_org, signed_and_unsigned
):
    today = timezone.localdate()
    scope = resolve(
        admin_user,
        AuditRequest(start=today - timedelta(days=30), end=today, funder=funder_org.pk),
    )
    pack = audit_pack(scope)
    by_session = {a.session.session: a for a in pack.sessions}
    assert by_session[signed_and_unsigned["signed"]].complete
    assert by_session[signed_and_unsigned["session"]].complete  # the scan is the proof
    unsigned = by_session[signed_and_unsigned["unsigned"]]
    ours = signed_and_unsigned["ours"]
    assert [(m.who, m.what) for m in unsigned.missing] == [
        (ours.beneficiary.full_name, "signature de la personne"),
        (unsigned.session.leader, "signature de clôture"),
    ]
    totals = {row.person: row for row in pack.totals}
    # 120 minutes less 30 late, then 60: 2.50 h; on sheets signed whole, only the first.
    assert str(totals[ours.beneficiary.full_name].hours) == "2.50"
    assert str(totals[ours.beneficiary.full_name].signed_hours) == "1.50"
    # The other person's code tranche is not this funder's: not counted.
    assert signed_and_unsigned["other"].beneficiary.full_name not in totals
    assert str(totals["Wanda ATELIER"].hours) == "1.50"


def test_the_page_lists_the_missing_signatures_before_the_download(
    admin_user, funder_org, signed_and_unsigned
):
    page = logged_in(admin_user).get(reverse("sheet_audit"), query(funder_org))
    assert page.status_code == 200
    html = page.content.decode()
    assert "3 séances financées" in html
    assert "signature de clôture" in html
    assert "scan papier joint" in html
    assert reverse("sheet_audit_pdf") in html


def test_the_pdf_holds_each_signed_sheet_and_the_totals_and_is_logged(
    admin_user, funder_org, signed_and_unsigned
):
    response = logged_in(admin_user).get(reverse("sheet_audit_pdf"), query(funder_org))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    ours = signed_and_unsigned["ours"]
    check_pdf(
        response.content,
        has=[
            "Séances financées par Conseil départemental",
            ours.beneficiary.full_name,
            "Signé sur tablette le",
            "Scan papier joint le",
            "Empreinte SHA-256",
            "Heures de présence par personne",
            "2,50",
            "signature de clôture",
        ],
    )
    assert FileAccess.objects.filter(user=admin_user, beneficiary=ours.beneficiary).exists()


@pytest.mark.parametrize("role", [Role.ADVISER, Role.INSTRUCTOR, Role.FLEET, Role.FUNDER])
def test_only_admins_open_the_pack(role, platform, funder_org):
    user = member(role, platform, organisation=funder_org if role == Role.FUNDER else None)
    client = logged_in(user)
    assert client.get(reverse("sheet_audit"), query(funder_org)).status_code == 403
    assert client.get(reverse("sheet_audit_pdf"), query(funder_org)).status_code == 403
    assert not FileAccess.objects.exists()


def test_another_platform_s_funder_is_a_french_error(admin_user, other_platform):
    foreign = OrganisationFactory(platform=other_platform, funder=True)
    page = logged_in(admin_user).get(reverse("sheet_audit"), query(foreign))
    assert page.status_code == 200
    assert "Sélectionnez un choix valide" in page.content.decode()


def test_an_upside_down_period_is_said_and_the_pdf_refused(admin_user, funder_org):
    today = timezone.localdate()
    bad = {"start": today.isoformat(), "end": (today - timedelta(days=5)).isoformat()}
    client = logged_in(admin_user)
    assert (
        "Corrigez la période"
        in client.get(reverse("sheet_audit"), {**query(funder_org), **bad}).content.decode()
    )
    assert client.get(reverse("sheet_audit_pdf"), {**query(funder_org), **bad}).status_code == 422


def test_the_page_and_the_pdf_read_in_the_same_queries_for_1_or_5_sessions(
    admin_user, adviser, instructor, prescriber_org, funder_org, django_assert_max_num_queries
):
    people = [enrol(prescriber_org, adviser, theory_funder=funder_org) for _ in range(2)]

    def hold(days_ago):
        held = lesson(instructor, people, days_ago=days_ago)
        school_services.attendance_sheet_submit(
            by=instructor,
            lesson=held,
            rows=[present(p) for p in people],
            signatures={f"attendance:{p.pk}": drawn_png() for p in people},
            closing=drawn_png(),
        )

    hold(1)
    client = logged_in(admin_user)
    with django_assert_max_num_queries(20) as page:
        assert client.get(reverse("sheet_audit"), query(funder_org)).status_code == 200
    with django_assert_max_num_queries(25) as pdf:
        assert client.get(reverse("sheet_audit_pdf"), query(funder_org)).status_code == 200
    for days_ago in range(2, 6):
        hold(days_ago)
    with django_assert_max_num_queries(len(page.captured_queries)):
        assert (
            "5 séances financées"
            in client.get(reverse("sheet_audit"), query(funder_org)).content.decode()
        )
    with django_assert_max_num_queries(len(pdf.captured_queries)):
        assert client.get(reverse("sheet_audit_pdf"), query(funder_org)).status_code == 200


def test_a_sheet_whose_person_was_anonymised_stays_signed_without_its_content(
    admin_user, funder_org, signed_and_unsigned
):
    from mobility.models import SignedDocument

    document = SignedDocument.objects.get(
        kind="lesson_sheet", object_id=signed_and_unsigned["signed"].pk
    )
    # What mobility/erasure.py leaves of a signed document: its row, version and hash.
    SignedDocument.objects.filter(pk=document.pk).update(content={}, pdf="")
    client = logged_in(admin_user)
    page = client.get(reverse("sheet_audit"), query(funder_org)).content.decode()
    assert "modifiée depuis la signature" not in page
    response = client.get(reverse("sheet_audit_pdf"), query(funder_org))
    check_pdf(response.content, has=["effacés avec les données d'une personne"])
