"""The API of the signed attendance sheets: signatures with the rows, the closing, the
proof and its PDF; the funder's audit pack as JSON and PDF."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mobility.enums import Role
from mobility.models import FileAccess, Signature, SignedDocument
from tests.api.conftest import ApiClient
from tests.drivingschool.conftest import enrol, lesson
from tests.factories import OrganisationFactory, member
from tests.nothing_written import nothing_written
from tests.pdf_text import check_pdf
from tests.signatures import data_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def funder_org(platform):
    return OrganisationFactory(platform=platform, funder=True, name="Conseil départemental")


@pytest.fixture
def group(prescriber_org, adviser, funder_org):
    return [enrol(prescriber_org, adviser, theory_funder=funder_org) for _ in range(2)]


def rows(group, signed=True, statuses=("present", "late")):
    out = []
    for person, status in zip(group, statuses, strict=True):
        row = {"enrolment_id": person.pk, "status": status}
        if status == "late":
            row["late_minutes"] = 10
        if signed and status in ("present", "late"):
            row["signature"] = data_url()
        out.append(row)
    return out


def base(held):
    return f"/api/v1/drivingschool/lessons/{held.pk}"


def test_rows_with_signatures_then_the_closing_then_the_proof_and_its_pdf(instructor, group):
    held = lesson(instructor, group, instructor=instructor)
    client = ApiClient(instructor)
    response = client.post(f"{base(held)}/attendance", rows(group))
    assert response.status_code == 200, response.content
    proof = client.get(f"{base(held)}/sheet").json()
    assert proof["status"] == "pending"
    assert all(line["signed"] for line in proof["lines"])
    assert [m["what"] for m in proof["missing"]] == ["signature de clôture"]
    closed = client.post(f"{base(held)}/sheet/close", {"signature": data_url()})
    assert closed.status_code == 200, closed.content
    proof = closed.json()
    assert proof["status"] == "tablet" and proof["missing"] == []
    assert proof["pdf_url"] == f"{base(held)}/sheet/pdf"
    pdf = client.get(proof["pdf_url"])
    assert pdf.status_code == 200
    check_pdf(b"".join(pdf.streaming_content), has=[proof["content_hash"]])
    assert FileAccess.objects.filter(user=instructor).count() == 2
    # Closed and unchanged: closing again is a conflict.
    assert client.post(f"{base(held)}/sheet/close", {"signature": data_url()}).status_code == 409


def test_a_bad_drawing_or_an_absent_person_s_signature_is_a_422_nothing_written(instructor, group):
    held = lesson(instructor, group)
    client = ApiClient(instructor)
    bad = rows(group)
    bad[0]["signature"] = "data:image/png;base64,AAAA"
    with nothing_written():
        response = client.post(f"{base(held)}/attendance", bad)
    assert response.status_code == 422 and "detail" in response.json()
    absent = rows(group, statuses=("present", "unexcused"))
    absent[1]["signature"] = data_url()
    with nothing_written():
        response = client.post(f"{base(held)}/attendance", absent)
    assert response.status_code == 422
    assert "seule une personne venue signe sa ligne" in response.json()["detail"]


def test_closing_before_everyone_signed_names_who_is_missing(instructor, group):
    held = lesson(instructor, group)
    client = ApiClient(instructor)
    assert client.post(f"{base(held)}/attendance", rows(group, signed=False)).status_code == 200
    with nothing_written():
        response = client.post(f"{base(held)}/sheet/close", {"signature": data_url()})
    assert response.status_code == 422
    assert group[0].beneficiary.full_name in response.json()["detail"]


def test_no_pdf_before_closing_and_none_for_another_platform(instructor, group, other_platform):
    held = lesson(instructor, group)
    assert ApiClient(instructor).get(f"{base(held)}/sheet/pdf").status_code == 404
    stranger = ApiClient(member(Role.INSTRUCTOR, other_platform))
    assert stranger.get(f"{base(held)}/sheet").status_code == 404
    with nothing_written():
        response = stranger.post(f"{base(held)}/sheet/close", {"signature": data_url()})
    assert response.status_code == 404


def test_the_workshop_sheet_routes_answer_the_same(adviser, prescriber_org, admin_user):
    from accompaniment import services
    from accompaniment.demo import install_catalogue
    from tests.accompaniment.conftest import open_pathway, schedule

    catalogue = install_catalogue(platform=prescriber_org.platform, by=admin_user)
    session = schedule(adviser, catalogue["mobility_workshop"], days=-1)
    pathway = open_pathway(prescriber_org, adviser)
    services.registration_create(by=adviser, session=session, pathway=pathway)
    client = ApiClient(adviser)
    url = f"/api/v1/actions/sessions/{session.pk}"
    body = [{"pathway_id": pathway.pk, "status": "present", "signature": data_url()}]
    assert client.post(f"{url}/attendance", body).status_code == 200
    closed = client.post(f"{url}/sheet/close", {"signature": data_url()}).json()
    assert closed["status"] == "tablet" and closed["kind"] == "workshop_sheet"
    pdf = client.get(f"{url}/sheet/pdf")
    assert pdf.status_code == 200
    check_pdf(b"".join(pdf.streaming_content), has=[closed["content_hash"]])


def test_the_funder_s_signed_sheets_as_json_then_pdf(admin_user, instructor, group, funder_org):
    held = lesson(instructor, group)
    client = ApiClient(instructor)
    client.post(f"{base(held)}/attendance", rows(group, statuses=("present", "present")))
    today = timezone.localdate()
    params = {
        "start": (today - timedelta(days=10)).isoformat(),
        "end": today.isoformat(),
        "funder": funder_org.pk,
    }
    admin = ApiClient(admin_user)
    data = admin.get("/api/v1/reports/signed-sheets", **params).json()
    assert data["incomplete"] == 1
    (session,) = data["sessions"]
    assert session["session_id"] == held.pk
    assert [m["what"] for m in session["missing"]] == ["signature de clôture"]
    assert {row["person"] for row in data["hours"]} == {p.beneficiary.full_name for p in group}
    pdf = admin.get("/api/v1/reports/signed-sheets", **params, format="pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    check_pdf(pdf.content, has=["Signatures manquantes", group[0].beneficiary.full_name])


@pytest.mark.parametrize("role", [Role.ADVISER, Role.INSTRUCTOR, Role.FUNDER])
def test_the_signed_sheets_are_for_admins_only(role, platform, funder_org):
    user = member(role, platform, organisation=funder_org if role == Role.FUNDER else None)
    today = timezone.localdate()
    response = ApiClient(user).get(
        "/api/v1/reports/signed-sheets",
        start=today.isoformat(),
        end=today.isoformat(),
        funder=funder_org.pk,
    )
    assert response.status_code == 403 and "detail" in response.json()


def test_another_platform_s_funder_is_a_422(admin_user, other_platform):
    foreign = OrganisationFactory(platform=other_platform, funder=True)
    today = timezone.localdate()
    response = ApiClient(admin_user).get(
        "/api/v1/reports/signed-sheets",
        start=today.isoformat(),
        end=today.isoformat(),
        funder=foreign.pk,
    )
    assert response.status_code == 422
    assert not SignedDocument.objects.exists() and not Signature.objects.exists()
