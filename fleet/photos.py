"""Every write and read of the photos of a rental's vehicle; the pages and the API call
these. A photo is checked and cleaned first (fleet.imaging, no write), then stored with
its row in one transaction: a refused photo leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from fleet import imaging, rules
from fleet.enums import FLEET_ROLES, PhotoMoment
from fleet.models import CheckIn, Rental, VehiclePhoto
from mobility.enums import FileAccessChannel
from mobility.errors import Forbidden, InvalidInput
from mobility.file_downloads import open_logged
from mobility.models import User
from mobility.services import save_with_author


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo checked and cleaned, not yet stored, and the checklist item it shows."""

    item: str
    photo: imaging.ProcessedPhoto


def photos_prepare(uploads: Iterable[tuple[str, str, object]]) -> list[PreparedPhoto]:
    """Check and clean (`field`, `item`, uploaded file) triples; InvalidInput naming the
    field of the first refused file. Nothing is written."""
    prepared = []
    for field_name, item, upload in uploads:
        error = imaging.size_error(upload.size, settings.PHOTO_MAX_BYTES)
        if error is None:
            upload.seek(0)
            try:
                processed = imaging.process_photo(upload.read(), max_bytes=settings.PHOTO_MAX_BYTES)
            except imaging.PhotoRefused as refused:
                error = refused.message
        if error:
            name = getattr(upload, "name", "") or ""
            message = f"{name} : {error}" if name else error
            raise InvalidInput(message, errors={field_name: message})
        prepared.append(PreparedPhoto(item=item, photo=processed))
    return prepared


def _step(rental: Rental, moment: str, checkin: CheckIn | None) -> rules.PhotoStep:
    checkins = list(rental.checkins.order_by("-date", "-pk").values_list("pk", flat=True))
    already = rental.photos.filter(moment=moment)
    if checkin is not None:
        already = already.filter(checkin=checkin)
    return rules.PhotoStep(
        rental_open=rental.is_open,
        checkins=len(checkins),
        checkin_of_rental=None if checkin is None else checkin.pk in checkins,
        checkin_is_latest=bool(checkin is not None and checkins and checkins[0] == checkin.pk),
        already=already.count(),
    )


@dataclass
class _Stored:
    """The names written in the storage by one call, removed again if it fails."""

    names: list[str] = field(default_factory=list)

    def save(self, file_field, content: bytes) -> None:
        file_field.save("photo.jpg", ContentFile(content), save=False)
        self.names.append(file_field.name)

    def remove(self, storage) -> None:
        for name in self.names:
            storage.delete(name)


@transaction.atomic
def photos_attach(
    *,
    by: User,
    rental: Rental,
    moment: str,
    photos: list[PreparedPhoto],
    checkin: CheckIn | None = None,
) -> list[VehiclePhoto]:
    """Keep prepared photos of one step of the rental. The rental is locked, so that two
    tablets adding photos at once cannot pass the step's limit together."""
    rental = Rental.objects.select_for_update(of=("self",)).get(pk=rental.pk)
    if rental.platform_id not in by.platform_ids(FLEET_ROLES):
        raise Forbidden("Votre rôle ne permet pas d'ajouter des photos à cette location.")
    if not photos:
        return []
    for item in {prepared.item for prepared in photos}:
        problems = rules.photo_problems(
            moment=moment, item=item, step=_step(rental, moment, checkin), adding=len(photos)
        )
        if problems:
            raise InvalidInput(" ".join(problems.values()), errors=problems)
    stored = _Stored()
    storage = VehiclePhoto._meta.get_field("file").storage
    kept = []
    try:
        for prepared in photos:
            photo = VehiclePhoto(
                platform_id=rental.platform_id,
                rental=rental,
                checkin=checkin if moment == PhotoMoment.CHECKIN else None,
                moment=moment,
                item=prepared.item,
                width=prepared.photo.width,
                height=prepared.photo.height,
                taken_by=by,
            )
            stored.save(photo.file, prepared.photo.image)
            stored.save(photo.thumb, prepared.photo.thumb)
            kept.append(save_with_author(photo, by=by))
    except BaseException:
        stored.remove(storage)
        raise
    return kept


def photo_add(
    *,
    by: User,
    rental: Rental,
    moment: str,
    file,
    item: str = "",
    checkin: CheckIn | None = None,
) -> VehiclePhoto:
    """One photo sent on its own (the API): checked, cleaned, kept."""
    (photo,) = photos_attach(
        by=by,
        rental=rental,
        moment=moment,
        checkin=checkin,
        photos=photos_prepare([("file", item, file)]),
    )
    return photo


def photo_open(*, photo: VehiclePhoto, by: User):
    """The full photo, opened for reading: the reading is written in the consultation
    log of the rental's person first (`photo.rental.beneficiary` should be selected)."""
    return open_logged(
        photo.file,
        beneficiary=photo.rental.beneficiary,
        by=by,
        channel=FileAccessChannel.VEHICLE_PHOTO,
    )


def photos_by_step(photos: Iterable[VehiclePhoto]) -> dict:
    """The photos of a rental grouped for its page and its return report:
    {"handover": [...], "return": [...], "checkins": {checkin_id: [...]}}."""
    grouped: dict = {PhotoMoment.HANDOVER: [], PhotoMoment.RETURN: [], "checkins": {}}
    for photo in photos:
        if photo.moment == PhotoMoment.CHECKIN:
            grouped["checkins"].setdefault(photo.checkin_id, []).append(photo)
        else:
            grouped[photo.moment].append(photo)
    return grouped
