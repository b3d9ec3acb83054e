"""A photo of a vehicle, made safe to keep: bytes in, bytes out, no ORM, no storage.

What a tablet's camera sends is checked (a real JPEG or PNG, a sane size), turned upright
(the EXIF orientation, which browsers and WeasyPrint would otherwise read differently),
shrunk to PHOTO_MAX_SIDE and re-encoded as a JPEG that carries no metadata at all: no
GPS position, no camera serial, no date, no ICC profile, no XMP. A thumbnail is made
from the same upright image.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# The long side of the kept photo and of its thumbnail, in pixels.
PHOTO_MAX_SIDE = 1600
THUMB_MAX_SIDE = 400
PHOTO_QUALITY = 85
THUMB_QUALITY = 80
# More pixels than any tablet camera takes (a 48 Mpx phone): beyond, a "decompression
# bomb" that would take gigabytes of memory to open.
MAX_PIXELS = 50_000_000
# What a camera page may send (a HEIC from an iPhone arrives as a JPEG through the page).
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG"})


class PhotoRefused(ValueError):
    """Why a file is not kept, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ProcessedPhoto:
    image: bytes  # JPEG, at most PHOTO_MAX_SIDE on its long side, no metadata
    thumb: bytes  # JPEG, at most THUMB_MAX_SIDE
    width: int
    height: int


def megabytes(size: int) -> str:
    """1.5 MB written the French way: "1,5"."""
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "")


def size_error(size: int, max_bytes: int) -> str | None:
    """Why a file of `size` bytes is refused before it is even opened (None: it is not)."""
    if size == 0:
        return "La photo est vide."
    if size > max_bytes:
        return f"La photo pèse {megabytes(size)} Mo : {megabytes(max_bytes)} Mo au plus."
    return None


def process_photo(data: bytes, *, max_bytes: int) -> ProcessedPhoto:
    """The photo to keep and its thumbnail; PhotoRefused when `data` is not one."""
    error = size_error(len(data), max_bytes)
    if error:
        raise PhotoRefused(error)
    upright = _open_upright(data)
    photo = _clean_copy(upright)
    photo.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
    thumb = photo.copy()
    thumb.thumbnail((THUMB_MAX_SIDE, THUMB_MAX_SIDE), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        image=_jpeg(photo, PHOTO_QUALITY),
        thumb=_jpeg(thumb, THUMB_QUALITY),
        width=photo.width,
        height=photo.height,
    )


def _open_upright(data: bytes) -> Image.Image:
    not_an_image = PhotoRefused(
        "Ce fichier n'est pas une photo JPEG ou PNG lisible (son contenu a été vérifié, "
        "pas seulement son nom)."
    )
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit: any bomb is a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise not_an_image
            # The header's size, checked before the pixels are decoded.
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRefused(
                    f"La photo fait {image.width} × {image.height} pixels : "
                    f"{MAX_PIXELS // 1_000_000} millions de pixels au plus."
                )
            image.load()
            return ImageOps.exif_transpose(image)
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise not_an_image from None
    except (OSError, SyntaxError, ValueError, EOFError):
        # A truncated or corrupt file: Pillow says so while decoding.
        raise not_an_image from None


def _clean_copy(image: Image.Image) -> Image.Image:
    """The pixels alone, in RGB, on a new image: nothing of the original's `info` (EXIF,
    XMP, ICC profile, PNG text chunks) can follow it into the saved file. Transparency
    is laid on white."""
    rgba = image.convert("RGBA")
    clean = Image.new("RGB", rgba.size, (255, 255, 255))
    clean.paste(rgba, mask=rgba.getchannel("A"))
    return clean


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()
