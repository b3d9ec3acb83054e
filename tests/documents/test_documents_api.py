"""Issue 15, item 6: the documents of a person through the API — a multipart upload, the
list, the logged download — with the page's roles, checks and French refusals."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import PersonDocument
from mobility.enums import FileAccessChannel, Role
from mobility.models import FileAccess
from mobility.tokens import issue_token
from tests.documents.test_documents import JPEG, PDF, stored
from tests.factories import BeneficiaryFactory, member
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(private_media):
    """Uploaded files go to a temporary folder."""


@pytest.fixture
def beneficiary(platform):
    return BeneficiaryFactory(platform=platform)


_TOKENS: dict[int, str] = {}


def headers(user) -> dict:
    """One token per user, issued once (an issued token is a row: refusals write none)."""
    if user.pk not in _TOKENS:
        _TOKENS[user.pk] = issue_token(user=user)
    return {"Authorization": f"Bearer {_TOKENS[user.pk]}"}


@pytest.fixture(autouse=True)
def _fresh_tokens():
    _TOKENS.clear()


def post_document(client, user, beneficiary, *, kind="licence", content=PDF, **fields):
    return client.post(
        f"/api/v1/beneficiaries/{beneficiary.pk}/documents",
        {"kind": kind, "file": SimpleUploadedFile("scan.pdf", content), **fields},
        headers=headers(user),
    )


def test_an_adviser_uploads_lists_and_downloads_and_the_download_is_logged(
    client, adviser, beneficiary
):
    response = post_document(
        client, adviser, beneficiary, kind="work_contract", expires_on="2027-03-31"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "work_contract" and body["content_type"] == "application/pdf"
    assert body["expires_on"] == "2027-03-31" and body["expired"] is False
    assert body["url"] == f"/api/v1/documents/{body['id']}/file"
    assert PersonDocument.objects.get().history.get().history_user == adviser

    listed = client.get(
        f"/api/v1/beneficiaries/{beneficiary.pk}/documents", headers=headers(adviser)
    )
    assert [item["id"] for item in listed.json()["items"]] == [body["id"]]

    download = client.get(body["url"], headers=headers(adviser))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert beneficiary.last_name not in download["Content-Disposition"]
    assert (
        FileAccess.objects.filter(
            beneficiary=beneficiary, user=adviser, channel=FileAccessChannel.DOCUMENT
        ).count()
        == 1
    )


def test_fleet_staff_deposit_and_see_the_licence_not_the_identity(
    client, adviser, fleet_user, beneficiary
):
    identity = stored(beneficiary, adviser, kind="identity")
    headers(fleet_user)
    assert post_document(client, fleet_user, beneficiary, content=JPEG).status_code == 201
    with nothing_written():
        refused = post_document(client, fleet_user, beneficiary, kind="identity")
    assert refused.status_code == 403 and "type de document" in refused.json()["detail"]
    listed = client.get(
        f"/api/v1/beneficiaries/{beneficiary.pk}/documents", headers=headers(fleet_user)
    ).json()["items"]
    assert [item["kind"] for item in listed] == ["licence"]
    hidden = client.get(f"/api/v1/documents/{identity.pk}/file", headers=headers(fleet_user))
    assert hidden.status_code == 404


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "ni un PDF"),
        (b"", "vide"),
    ],
)
def test_a_wrong_file_is_a_french_422_that_writes_nothing(
    client, adviser, beneficiary, content, message
):
    headers(adviser)
    with nothing_written():
        response = post_document(client, adviser, beneficiary, content=content)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_an_unknown_kind_is_422_and_a_missing_file_too(client, adviser, beneficiary):
    headers(adviser)
    with nothing_written():
        assert post_document(client, adviser, beneficiary, kind="passport").status_code == 422
        missing = client.post(
            f"/api/v1/beneficiaries/{beneficiary.pk}/documents",
            {"kind": "licence"},
            headers=headers(adviser),
        )
    assert missing.status_code == 422


def test_another_platform_gets_404_and_other_roles_403(
    client, beneficiary, adviser, other_adviser, platform
):
    document = stored(beneficiary, adviser)
    headers(other_adviser)
    with nothing_written():
        assert post_document(client, other_adviser, beneficiary).status_code == 404
    assert (
        client.get(f"/api/v1/documents/{document.pk}/file", headers=headers(other_adviser))
    ).status_code == 404
    instructor = member(Role.INSTRUCTOR, platform)
    for path in (
        f"/api/v1/beneficiaries/{beneficiary.pk}/documents",
        f"/api/v1/documents/{document.pk}/file",
    ):
        assert client.get(path, headers=headers(instructor)).status_code == 403
    assert not FileAccess.objects.filter(channel=FileAccessChannel.DOCUMENT).exists()


def test_an_erased_document_is_404(client, adviser, beneficiary):
    document = stored(beneficiary, adviser)
    # As the anonymisation leaves it (mobility.erasure): no file, no type.
    PersonDocument.objects.filter(pk=document.pk).update(file="", content_type="")
    response = client.get(f"/api/v1/documents/{document.pk}/file", headers=headers(adviser))
    assert response.status_code == 404


def test_the_upload_route_takes_a_document_sized_body(client, adviser, beneficiary, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.DOCUMENT_MAX_BYTES = 4096
    assert (
        post_document(client, adviser, beneficiary, content=b"%PDF-" + b"x" * 3000).status_code
        == 201
    )
    with nothing_written():
        too_big = post_document(client, adviser, beneficiary, content=b"%PDF-" + b"x" * 200_000)
    assert too_big.status_code == 413


def test_the_list_costs_the_same_queries_for_one_or_six_documents(client, adviser, beneficiary):
    auth = headers(adviser)
    path = f"/api/v1/beneficiaries/{beneficiary.pk}/documents"
    client.get(path, headers=auth)  # the token's first use is written once
    counts = []
    for total in (1, 6):
        while PersonDocument.objects.count() < total:
            stored(beneficiary, adviser)
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(path, headers=auth).json()["items"]) == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
