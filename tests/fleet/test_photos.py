"""Photos of the vehicle: the pure image function (real images built with Pillow), the
rules of which step takes photos, the service that keeps them, and the return report."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image

from fleet import imaging, photos, rules, services
from fleet.enums import ConditionItem, PhotoMoment
from fleet.models import VehiclePhoto
from fleet.pdf import condition_rows, return_report_pdf
from fleet.rules import PhotoStep, photo_problems
from mobility.enums import FileAccessChannel
from mobility.errors import Forbidden, InvalidInput
from mobility.models import FileAccess
from tests.fleet.conftest import CONDITION_OK
from tests.fleet.photo_images import photo_bytes
from tests.nothing_written import nothing_written
from tests.pdf_text import pdf_text

MB = 1024 * 1024


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


# ---- the pure image function


def test_a_camera_photo_is_resized_and_keeps_no_metadata_at_all():
    original = photo_bytes((4000, 3000), gps=True)
    assert opened(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the input has GPS

    result = imaging.process_photo(original, max_bytes=15 * MB)

    image = opened(result.image)
    assert image.format == "JPEG"
    assert (image.width, image.height) == (1600, 1200) == (result.width, result.height)
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert "xmp" not in image.info
    # Nothing of the camera's tags is left in the bytes themselves.
    for marker in (b"Exif", b"TabletteCam", b"SN-0042", b"http://ns.adobe.com/xap"):
        assert marker not in result.image and marker not in result.thumb
    thumb = opened(result.thumb)
    assert max(thumb.size) == imaging.THUMB_MAX_SIDE and dict(thumb.getexif()) == {}


def test_the_exif_orientation_is_applied_to_the_pixels():
    # Orientation 6: the camera was held upright, the sensor wrote the image sideways.
    result = imaging.process_photo(photo_bytes((600, 400), orientation=6), max_bytes=MB)
    image = opened(result.image).convert("RGB")
    assert image.size == (400, 600)
    # The red top-left corner is now top-right, as the person saw it.
    red, green, _blue = image.getpixel((390, 10))
    assert red > 180 and green < 90
    assert image.getpixel((10, 10))[2] > 120  # the blue background


def test_a_small_png_with_transparency_is_kept_as_an_opaque_jpeg_of_its_size():
    result = imaging.process_photo(photo_bytes((300, 200), fmt="PNG", mode="RGBA"), max_bytes=MB)
    image = opened(result.image)
    assert image.format == "JPEG" and image.mode == "RGB" and image.size == (300, 200)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "vide"),
        (b"%PDF-1.7 not a photo", "n'est pas une photo"),
        (photo_bytes((200, 200), fmt="GIF"), "n'est pas une photo"),
        (photo_bytes((400, 300))[:300], "n'est pas une photo"),  # cut off in transit
        (b"\xff\xd8\xff" + os.urandom(2000), "n'est pas une photo"),
    ],
)
def test_what_is_not_a_photo_is_refused_in_french(data, message):
    with pytest.raises(imaging.PhotoRefused, match=message):
        imaging.process_photo(data, max_bytes=MB)


def test_a_too_heavy_file_is_refused_before_it_is_opened():
    with pytest.raises(imaging.PhotoRefused, match=r"pèse 2 Mo : 1 Mo au plus"):
        imaging.process_photo(b"\xff" * (2 * MB), max_bytes=MB)


def test_a_decompression_bomb_is_refused_from_its_header():
    # 10 000 × 8 000 pixels of one colour compress to almost nothing.
    bomb = io.BytesIO()
    Image.new("L", (10_000, 8_000)).save(bomb, "PNG")
    assert len(bomb.getvalue()) < MB
    with pytest.raises(imaging.PhotoRefused, match="millions de pixels au plus"):
        imaging.process_photo(bomb.getvalue(), max_bytes=MB)


@settings(max_examples=25, deadline=None)
@given(
    width=st.integers(1, 2000),
    height=st.integers(1, 2000),
    orientation=st.sampled_from([None, 1, 3, 6, 8]),
)
def test_any_photo_fits_the_maximum_and_keeps_its_proportions(width, height, orientation):
    result = imaging.process_photo(
        photo_bytes((width, height), orientation=orientation), max_bytes=15 * MB
    )
    image = opened(result.image)
    assert max(image.size) <= imaging.PHOTO_MAX_SIDE
    assert max(opened(result.thumb).size) <= imaging.THUMB_MAX_SIDE
    turned = orientation in (6, 8)
    source_w, source_h = (height, width) if turned else (width, height)
    if max(source_w, source_h) <= imaging.PHOTO_MAX_SIDE:
        assert image.size == (source_w, source_h)
    else:
        assert abs(image.width / image.height - source_w / source_h) < 0.02 + 2 / min(image.size)
    assert dict(image.getexif()) == {}


# ---- which step takes photos (pure)


def step(**kwargs):
    return PhotoStep(**{"rental_open": True, "checkins": 0, **kwargs})


@pytest.mark.parametrize(
    ("moment", "state", "field", "message"),
    [
        (PhotoMoment.HANDOVER, step(checkins=1), "moment", "avant le premier point étape"),
        (PhotoMoment.HANDOVER, step(rental_open=False), "moment", "avant le premier"),
        (PhotoMoment.CHECKIN, step(checkins=1), "checkin_id", "Indiquez le point étape"),
        (
            PhotoMoment.CHECKIN,
            step(checkins=1, checkin_of_rental=False),
            "checkin_id",
            "pas celui de cette location",
        ),
        (
            PhotoMoment.CHECKIN,
            step(checkins=2, checkin_of_rental=True, checkin_is_latest=False),
            "checkin_id",
            "tant qu'il est le dernier",
        ),
        (PhotoMoment.RETURN, step(), "moment", "une fois le retour enregistré"),
        (PhotoMoment.RETURN, step(rental_open=False, checkin_of_rental=True), "checkin_id", ""),
        ("lunch", step(), "moment", "handover, checkin ou return"),
        (
            PhotoMoment.HANDOVER,
            step(already=rules.PHOTOS_PER_STEP),
            "file",
            "Au plus 12 photos par étape",
        ),
    ],
)
def test_a_photo_goes_with_its_step_while_that_step_is_the_latest(moment, state, field, message):
    problems = photo_problems(moment=moment, item="", step=state, adding=1)
    assert field in problems and message in problems[field]


@pytest.mark.parametrize(
    ("moment", "state"),
    [
        (PhotoMoment.HANDOVER, step()),
        (PhotoMoment.CHECKIN, step(checkins=3, checkin_of_rental=True, checkin_is_latest=True)),
        (PhotoMoment.RETURN, step(rental_open=False, checkins=4)),
        (PhotoMoment.HANDOVER, step(already=rules.PHOTOS_PER_STEP - 2)),
    ],
)
def test_photos_of_the_latest_step_are_accepted(moment, state):
    assert photo_problems(moment=moment, item=ConditionItem.BODY, step=state, adding=2) == {}


def test_an_unknown_item_is_refused():
    assert "item" in photo_problems(moment=PhotoMoment.HANDOVER, item="roof", step=step(), adding=1)


# ---- the service


def upload(data=None, name="IMG_2041.jpg"):
    return SimpleUploadedFile(name, data or photo_bytes(gps=True), content_type="image/jpeg")


def test_a_handover_photo_is_stored_privately_cleaned_and_under_a_random_name(
    fleet_user, rental, private_media
):
    photo = photos.photo_add(
        by=fleet_user, rental=rental, moment=PhotoMoment.HANDOVER, item="body", file=upload()
    )
    assert photo.platform_id == rental.platform_id and photo.taken_by == fleet_user
    assert photo.file.name.startswith(f"fleet/photos/{rental.platform_id}/")
    assert "IMG_2041" not in photo.file.name and photo.file.name != photo.thumb.name
    stored = (private_media / photo.file.name).read_bytes()
    assert b"Exif" not in stored and b"TabletteCam" not in stored
    assert (private_media / photo.thumb.name).exists()
    assert photo.history.count() == 1 and photo.history.first().history_user == fleet_user
    name = photo.download_name()
    assert name.startswith(f"location-{rental.pk}-handover-")
    assert rental.beneficiary.last_name.lower() not in name.lower()


def test_a_refused_photo_writes_nothing(fleet_user, rental, private_media):
    with nothing_written(), pytest.raises(InvalidInput) as refused:
        photos.photo_add(
            by=fleet_user,
            rental=rental,
            moment=PhotoMoment.HANDOVER,
            file=upload(b"GIF89a not a photo", name="capture.gif"),
        )
    assert refused.value.errors == {"file": refused.value.message}
    assert "capture.gif" in refused.value.message
    assert not (private_media / "fleet").exists()


def test_a_photo_of_a_step_that_is_not_the_latest_writes_nothing(fleet_user, rental, private_media):
    services.checkin_record(
        by=fleet_user,
        rental=rental,
        day=rental.start_date + timedelta(days=7),
        odometer_km=42300,
        condition=CONDITION_OK,
    )
    with nothing_written(), pytest.raises(InvalidInput, match="avant le premier point étape"):
        photos.photo_add(by=fleet_user, rental=rental, moment=PhotoMoment.HANDOVER, file=upload())
    assert not (private_media / "fleet").exists()


def test_the_files_are_removed_when_the_row_cannot_be_written(
    fleet_user, rental, private_media, monkeypatch
):
    def broken(instance, *, by):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(photos, "save_with_author", broken)
    with pytest.raises(RuntimeError):
        photos.photo_add(by=fleet_user, rental=rental, moment=PhotoMoment.HANDOVER, file=upload())
    assert list((private_media / "fleet").rglob("*.jpg")) == []


def test_someone_of_another_platform_adds_no_photo(other_adviser, rental):
    with nothing_written(), pytest.raises(Forbidden):
        photos.photo_add(
            by=other_adviser, rental=rental, moment=PhotoMoment.HANDOVER, file=upload()
        )


def test_opening_a_photo_is_written_in_the_consultation_log(fleet_user, rental):
    photo = photos.photo_add(
        by=fleet_user, rental=rental, moment=PhotoMoment.HANDOVER, file=upload()
    )
    photo = VehiclePhoto.objects.select_related("rental__beneficiary").get(pk=photo.pk)
    with photos.photo_open(photo=photo, by=fleet_user) as file:
        assert opened(file.read()).format == "JPEG"
    log = FileAccess.objects.get()
    assert log.beneficiary_id == rental.beneficiary_id and log.user == fleet_user
    assert log.channel == FileAccessChannel.VEHICLE_PHOTO


# ---- the return report


def test_the_condition_rows_say_what_got_worse():
    rows = condition_rows(
        {"tyres": "ok", "body": "worn", "lights": "ok"},
        {"tyres": "worn", "body": "worn", "lights": "damaged", "accessories": "ok"},
    )
    assert [(r.item, r.handover, r.returned, r.worse) for r in rows] == [
        ("tyres", "ok", "worn", True),
        ("lights", "ok", "damaged", True),
        ("body", "worn", "worn", False),
        ("accessories", "", "ok", False),
    ]


def returned_rental_with_photos(user, pathway, vehicle):
    rental = services.rental_create(
        by=user,
        pathway=pathway,
        vehicle=vehicle,
        start_date=pathway.opened_on + timedelta(days=1),
        deposit=Decimal("150.00"),
        contract_signed=True,
        condition=CONDITION_OK,
    )
    photos.photo_add(by=user, rental=rental, moment=PhotoMoment.HANDOVER, file=upload())
    photos.photo_add(
        by=user,
        rental=rental,
        moment=PhotoMoment.HANDOVER,
        item="body",
        file=upload(photo_bytes((900, 1200), colour=(60, 160, 90))),
    )
    result = services.checkin_record(
        by=user,
        rental=rental,
        day=rental.start_date + timedelta(days=7),
        odometer_km=42300,
        condition={**CONDITION_OK, "tyres": "worn"},
    )
    photos.photo_add(
        by=user,
        rental=rental,
        moment=PhotoMoment.CHECKIN,
        checkin=result.checkin,
        item="tyres",
        file=upload(photo_bytes(colour=(90, 90, 90))),
    )
    services.rental_return(
        by=user,
        rental=rental,
        day=rental.start_date + timedelta(days=14),
        odometer_km=42650,
        condition={**CONDITION_OK, "tyres": "worn", "body": "damaged"},
        damages=[services.Damage("Rétroviseur gauche cassé", Decimal("80.00"))],
        deposit_retained=Decimal("80.00"),
        deposit_retained_reason="Rétroviseur",
    )
    photos.photo_add(
        by=user,
        rental=rental,
        moment=PhotoMoment.RETURN,
        item="body",
        file=upload(photo_bytes(colour=(170, 60, 60))),
    )
    return rental


def test_the_return_report_prints_the_condition_km_balance_and_photos(
    adviser, pathway, vehicle, django_assert_max_num_queries
):
    from fleet.models import Rental

    returned_rental_with_photos(adviser, pathway, vehicle)
    rental = Rental.objects.with_balance().select_related("vehicle", "beneficiary").get()
    with django_assert_max_num_queries(8):
        pdf = return_report_pdf(rental)
    if os.environ.get("KEEP_PDF"):
        with open(os.environ["KEEP_PDF"], "wb") as kept:
            kept.write(pdf)
    text = pdf_text(pdf)
    for expected in (
        "Rapport de retour du véhicule",
        rental.beneficiary.full_name,
        "650 km en 14 jours",
        "Pneus",
        "dégradé",
        "Rétroviseur gauche cassé",
        "80,00",
        "À la remise",
        "Au point étape du",
        "Au retour",
        "Carrosserie / cadre",
    ):
        assert expected in text, expected
    # The four photos are printed (and the logo).
    assert pdf.count(b"/Subtype /Image") >= 4
