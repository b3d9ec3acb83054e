"""Real photos for the tests, drawn with Pillow: a "car" on a coloured background, with
the EXIF a tablet's camera writes (orientation, make, GPS position) when asked."""

from __future__ import annotations

import io

from PIL import ExifTags, Image, ImageDraw

# Where the camera says it was: the Eiffel Tower.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (48.0, 51.0, 29.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (2.0, 17.0, 40.0),
}


def photo_bytes(
    size=(1200, 900),
    *,
    fmt="JPEG",
    orientation: int | None = None,
    gps: bool = False,
    colour=(40, 110, 170),
    mode="RGB",
) -> bytes:
    image = Image.new(mode, size, colour if mode == "RGB" else (*colour, 128))
    draw = ImageDraw.Draw(image)
    width, height = size
    # A red square in the top-left corner: where it ends up tells the orientation.
    draw.rectangle((0, 0, width // 6, height // 6), fill=(220, 30, 30))
    draw.rounded_rectangle(
        (width // 5, height // 2, width * 4 // 5, height * 4 // 5), radius=20, fill=(240, 240, 240)
    )
    exif = Image.Exif()
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.Base.Make] = "TabletteCam"
        exif[ExifTags.Base.Model] = "SN-0042"
        exif[ExifTags.IFD.GPSInfo] = GPS
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", exif=exif, quality=90)
    else:
        image.save(buffer, fmt, exif=exif)
    return buffer.getvalue()
