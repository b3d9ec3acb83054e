"""Photos of the vehicle on the tablet's pages (handover, check-in, return), on the rental
page, through their checked views, and in the API."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from fleet import photos, services
from fleet.enums import PhotoMoment
from fleet.models import CheckIn, Rental, VehiclePhoto
from mobility.enums import FileAccessChannel, Role
from mobility.models import FileAccess
from tests.conftest import logged_in
from tests.factories import member
from tests.fleet.conftest import CONDITION_OK, days_ago
from tests.fleet.photo_images import photo_bytes
from tests.nothing_written import nothing_written

BASE = "/api/v1/fleet"


def condition_post(**overrides):
    data = {f"condition_{item}": value for item, value in CONDITION_OK.items()}
    data.update(overrides)
    return data


def jpeg(name="IMG_1.jpg", data=None):
    data = photo_bytes(gps=True) if data is None else data
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def heavy_photo() -> bytes:
    """A camera-sized JPEG of noise: over 1 MB, the body limit of the other pages."""
    noise = Image.frombytes("RGB", (1200, 1000), os.urandom(1200 * 1000 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=95)
    assert buffer.tell() > 1024 * 1024
    return buffer.getvalue()


def add(user, rental, count=1, **kwargs):
    for _ in range(count):
        photos.photo_add(
            by=user, rental=rental, moment=kwargs.get("moment", PhotoMoment.HANDOVER), file=jpeg()
        )


# ---- the forms


def test_a_check_in_keeps_its_photos_and_the_rental_page_shows_them(fleet_user, rental):
    client = logged_in(fleet_user)
    form = client.get(reverse("fleet:checkin_create", args=[rental.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert 'accept="image/*"' in form and 'capture="environment"' in form and "multiple" in form
    response = client.post(
        reverse("fleet:checkin_create", args=[rental.pk]),
        condition_post(
            date=str(rental.start_date + timedelta(days=7)),
            odometer_km="42300",
            condition_tyres="worn",
            photos_1_item="tyres",
            photos_1=[jpeg("pneu-avant.jpg"), jpeg("pneu-arriere.jpg")],
            photos_2=[SimpleUploadedFile("vue.png", photo_bytes(fmt="PNG"))],
        ),
        follow=True,
    )
    checkin = CheckIn.objects.get()
    kept = list(VehiclePhoto.objects.order_by("pk"))
    assert [(p.moment, p.item, p.checkin_id) for p in kept] == [
        ("checkin", "tyres", checkin.pk),
        ("checkin", "tyres", checkin.pk),
        ("checkin", "", checkin.pk),
    ]
    assert any("3 photos gardées" in str(m) for m in response.context["messages"])
    page = response.content.decode()
    for photo in kept:
        assert reverse("fleet:photo_thumb", args=[photo.pk]) in page
        assert reverse("fleet:photo", args=[photo.pk]) in page
    assert "Pneus : usé" in page and "Vue d&#x27;ensemble" in page


def test_a_photo_that_is_not_one_refuses_the_whole_check_in(fleet_user, rental, private_media):
    client = logged_in(fleet_user)
    with nothing_written():
        response = client.post(
            reverse("fleet:checkin_create", args=[rental.pk]),
            condition_post(
                date=str(rental.start_date + timedelta(days=7)),
                odometer_km="42300",
                photos_1=[jpeg(), SimpleUploadedFile("notes.pdf", b"%PDF-1.7 pas une photo")],
            ),
        )
    assert response.status_code == 200
    errors = response.context["form"].errors["photos_1"]
    assert "notes.pdf" in errors[0] and "n'est pas une photo JPEG ou PNG" in errors[0]
    assert not (private_media / "fleet").exists()


def test_a_camera_sized_photo_passes_the_pages_body_limit(fleet_user, rental, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = logged_in(fleet_user).post(
        reverse("fleet:checkin_create", args=[rental.pk]),
        condition_post(
            date=str(rental.start_date + timedelta(days=7)),
            odometer_km="42300",
            photos_1=[jpeg(data=heavy_photo())],
        ),
    )
    assert response.status_code == 302
    photo = VehiclePhoto.objects.get()
    assert photo.file.size < 1024 * 1024  # kept resized


def test_a_photo_over_the_limit_is_a_french_form_error(fleet_user, rental, settings):
    settings.PHOTO_MAX_BYTES = 200 * 1024
    client = logged_in(fleet_user)
    with nothing_written():
        response = client.post(
            reverse("fleet:checkin_create", args=[rental.pk]),
            condition_post(
                date=str(rental.start_date + timedelta(days=7)),
                odometer_km="42300",
                photos_3=[jpeg("lourde.jpg", heavy_photo())],
            ),
        )
    assert "Mo : 0,2 Mo au plus" in response.context["form"].errors["photos_3"][0]


def test_a_handover_notes_the_condition_and_keeps_its_photos(fleet_user, pathway, vehicle):
    client = logged_in(fleet_user)
    page = client.get(reverse("fleet:rental_create") + f"?parcours={pathway.pk}")
    assert "État du véhicule à la remise" in page.content.decode()
    response = client.post(
        reverse("fleet:rental_create"),
        condition_post(
            pathway=pathway.pk,
            vehicle=vehicle.pk,
            start_date=str(days_ago(1)),
            deposit="150,00",
            deposit_method="cheque",
            contract_signed="on",
            condition_body="worn",
            photos_1_item="body",
            photos_1=[jpeg()],
        ),
    )
    rental = Rental.objects.get()
    assert response.status_code == 302
    assert rental.handover_condition == {**CONDITION_OK, "body": "worn"}
    assert VehiclePhoto.objects.get().moment == PhotoMoment.HANDOVER
    # The first check-in starts from the condition noted at the handover.
    checkin = client.get(reverse("fleet:checkin_create", args=[rental.pk]))
    assert checkin.context["form"]["condition_body"].initial == "worn"


def test_a_return_keeps_its_photos_and_offers_the_return_report(fleet_user, rental):
    client = logged_in(fleet_user)
    response = client.post(
        reverse("fleet:rental_return", args=[rental.pk]),
        condition_post(
            date=str(rental.start_date + timedelta(days=14)),
            odometer_km="42600",
            condition_body="damaged",
            damage_1_description="Portière rayée",
            damage_1_cost="40",
            photos_1_item="body",
            photos_1=[jpeg()],
        ),
        follow=True,
    )
    photo = VehiclePhoto.objects.get()
    assert photo.moment == PhotoMoment.RETURN and photo.item == "body"
    page = response.content.decode()
    assert "Carrosserie / cadre : endommagé" in page
    report_url = reverse("fleet:rental_return_report", args=[rental.pk])
    assert report_url in page
    report = client.get(report_url)
    assert report["Content-Type"] == "application/pdf"
    assert b"/Subtype /Image" in report.content


def test_the_return_report_of_an_open_rental_sends_back_to_it(fleet_user, rental):
    response = logged_in(fleet_user).get(
        reverse("fleet:rental_return_report", args=[rental.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("fleet:rental_detail", args=[rental.pk])
    assert any("une fois le retour" in str(m) for m in response.context["messages"])


# ---- the rental page and the checked views


def test_the_rental_page_reads_1_or_5_photos_in_the_same_queries(fleet_user, rental):
    client = logged_in(fleet_user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("fleet:rental_detail", args=[rental.pk])).status_code == 200
        return len(queries)

    add(fleet_user, rental, 1)
    checkin = services.checkin_record(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=7),
        odometer_km=42300,
        condition=CONDITION_OK,
    ).checkin

    def at_checkin(count):
        for _ in range(count):
            photos.photo_add(
                by=fleet_user,
                rental=rental,
                moment=PhotoMoment.CHECKIN,
                checkin=checkin,
                file=jpeg(),
            )

    at_checkin(1)
    one = count()
    # Four more at the handover (closed to the service once a check-in exists: copies of
    # the first row) and four more at the check-in.
    first = VehiclePhoto.objects.get(moment=PhotoMoment.HANDOVER)
    for _ in range(4):
        first.pk = None
        first.save()
    at_checkin(4)
    assert VehiclePhoto.objects.filter(moment=PhotoMoment.HANDOVER).count() == 5
    assert VehiclePhoto.objects.filter(checkin=checkin).count() == 5
    assert count() == one


def test_the_photo_opens_through_its_checked_view_and_is_logged(fleet_user, adviser, rental):
    add(fleet_user, rental)
    photo = VehiclePhoto.objects.get()
    response = logged_in(adviser).get(reverse("fleet:photo", args=[photo.pk]))
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "inline" in response["Content-Disposition"]
    assert b"Exif" not in body and Image.open(io.BytesIO(body)).size == (1200, 900)
    log = FileAccess.objects.get()
    assert (log.user, log.channel) == (adviser, FileAccessChannel.VEHICLE_PHOTO)
    thumb = logged_in(adviser).get(reverse("fleet:photo_thumb", args=[photo.pk]))
    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) == 400
    assert FileAccess.objects.count() == 1  # the thumbnails are not logged


@pytest.mark.parametrize("name", ["fleet:photo", "fleet:photo_thumb"])
def test_a_photo_of_another_platform_is_404_and_other_roles_403(
    name, fleet_user, rental, other_world, platform
):
    add(fleet_user, rental)
    url = reverse(name, args=[VehiclePhoto.objects.get().pk])
    assert logged_in(other_world["adviser"]).get(url).status_code == 404
    assert logged_in(member(Role.INSTRUCTOR, platform)).get(url).status_code == 403
    assert FileAccess.objects.count() == 0


# ---- the API


def post_photo(api_client, rental, data, **fields):
    return api_client.client.post(
        f"{BASE}/rentals/{rental.pk}/photos",
        {"file": jpeg(data=data) if data is not None else jpeg(), **fields},
        headers=api_client.headers,
    )


def test_the_api_adds_lists_and_downloads_photos(api, fleet_user, rental):
    client = api(fleet_user)
    response = post_photo(client, rental, None, moment="handover", item="body")
    assert response.status_code == 201, response.json()
    body = response.json()
    photo = VehiclePhoto.objects.get()
    assert body["id"] == photo.pk and body["moment"] == "handover" and body["item"] == "body"
    assert body["width"] == 1200 and body["checkin_id"] is None
    assert body["url"] == f"{BASE}/photos/{photo.pk}/file"
    listed = client.get(f"{BASE}/rentals/{rental.pk}/photos").json()
    assert listed["count"] == 1 and listed["items"][0]["thumb_url"].endswith("/thumb")
    download = client.client.get(body["url"], headers=client.headers)
    content = b"".join(download.streaming_content)
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert b"Exif" not in content and b"TabletteCam" not in content
    assert FileAccess.objects.get().channel == FileAccessChannel.VEHICLE_PHOTO
    thumb = client.client.get(body["thumb_url"], headers=client.headers)
    assert thumb.status_code == 200
    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) == 400


def test_the_api_takes_a_check_in_photo_with_its_check_in(api, fleet_user, rental):
    result = services.checkin_record(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=7),
        odometer_km=42300,
        condition=CONDITION_OK,
    )
    client = api(fleet_user)
    without = post_photo(client, rental, None, moment="checkin")
    assert without.status_code == 422
    assert without.json()["detail"] == "Indiquez le point étape que montrent les photos."
    response = post_photo(client, rental, None, moment="checkin", checkin_id=result.checkin.pk)
    assert response.status_code == 201 and response.json()["checkin_id"] == result.checkin.pk
    # The handover is behind: its photos are closed.
    late = post_photo(client, rental, None, moment="handover")
    assert late.status_code == 422 and "avant le premier point étape" in late.json()["detail"]


@pytest.mark.parametrize(
    ("data", "fields", "expected"),
    [
        (b"GIF89a", {"moment": "handover"}, "n'est pas une photo JPEG ou PNG"),
        (b"", {"moment": "handover"}, ""),
        (None, {"moment": "lunch"}, "moment"),
        (None, {"moment": "handover", "item": "roof"}, "item"),
        (None, {"moment": "return"}, "une fois le retour enregistré"),
        (None, {}, "moment"),
    ],
)
def test_the_api_refuses_bad_photos_with_a_422_and_writes_nothing(
    api, fleet_user, rental, data, fields, expected
):
    client = api(fleet_user)
    with nothing_written():
        response = post_photo(client, rental, data, **fields)
    assert response.status_code == 422
    assert expected in response.json()["detail"]


def test_the_api_without_a_file_is_a_422(api, fleet_user, rental):
    client = api(fleet_user)
    response = client.client.post(
        f"{BASE}/rentals/{rental.pk}/photos", {"moment": "handover"}, headers=client.headers
    )
    assert response.status_code == 422 and "file" in response.json()["detail"]


def test_the_api_hides_other_platforms_photos(api, fleet_user, rental, other_world):
    add(fleet_user, rental)
    photo = VehiclePhoto.objects.get()
    stranger = api(other_world["adviser"])
    with nothing_written(allowed={"mobility.ApiToken"}):
        assert post_photo(stranger, rental, None, moment="handover").status_code == 404
    assert stranger.get(f"{BASE}/rentals/{rental.pk}/photos").status_code == 404
    assert stranger.get(f"{BASE}/photos/{photo.pk}/file").status_code == 404
    assert stranger.get(f"{BASE}/photos/{photo.pk}/thumb").status_code == 404
    assert FileAccess.objects.count() == 0
