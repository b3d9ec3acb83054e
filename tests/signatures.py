"""Signatures as a tablet sends them, for the tests of every module: a PNG drawn with
Pillow (a name-like scribble), as bytes or as the data URL the page's hidden input holds."""

from __future__ import annotations

import base64
import io

from PIL import Image, ImageDraw


def drawn_png(width: int = 480, height: int = 160, *, blank: bool = False) -> bytes:
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    if not blank:
        pen = ImageDraw.Draw(image)
        points = [(20 + i * 9, height // 2 + ((-1) ** i) * (18 + i % 5 * 4)) for i in range(45)]
        pen.line(points, fill=(11, 31, 51, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def data_url(png: bytes | None = None) -> str:
    return "data:image/png;base64," + base64.b64encode(png or drawn_png()).decode()
