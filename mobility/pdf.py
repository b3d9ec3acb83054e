"""HTML to PDF with WeasyPrint, for every PDF of the product (contracts, summaries, reports).

WeasyPrint may read the project's static files and the images a template embeds as
`data:` URLs (a stored photo, read through the storage by the code that renders the
PDF: `image_data_url`), and nothing else: every other URL (the internet, local files)
is refused; the signatures drawn on a tablet are embedded the same way. It is imported
on the first PDF, not when a worker starts: it costs seconds and tens of megabytes that
most workers never need.
"""

from __future__ import annotations

import base64
import binascii
import logging
import mimetypes
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# Relative links of a PDF resolve against this; it is never contacted.
BASE_URL = "https://pdf.invalid"

# WeasyPrint reports each layout step at INFO: keep the logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def static_file_for(url: str) -> Path:
    """The static file a PDF asks for, or ValueError for any other resource."""
    prefix = BASE_URL + settings.STATIC_URL
    if not url.startswith(prefix):
        raise ValueError(f"Ressource refusée dans le PDF : {url}")
    relative = url[len(prefix) :].split("?")[0]
    if ".." in Path(relative).parts:
        raise ValueError(f"Chemin refusé dans le PDF : {relative}")
    # The source folders first; then, in production, the collected files, whose names
    # carry a hash (`{% static %}` gives `logo.3f2a9c.svg`).
    found = finders.find(relative)
    if found:
        return Path(found)
    collected = (Path(settings.STATIC_ROOT) / relative).resolve()
    if collected.is_file() and collected.is_relative_to(Path(settings.STATIC_ROOT).resolve()):
        return collected
    raise ValueError(f"Fichier statique introuvable : {relative}")


# The embedded images a PDF may carry (`data:` URLs): pictures, never a script or a page.
DATA_IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})


def image_data_url(content: bytes, content_type: str = "image/jpeg") -> str:
    """An image the template embeds, so that WeasyPrint never reads a stored file."""
    if content_type not in DATA_IMAGE_TYPES:
        raise ValueError(f"Type d'image refusé dans le PDF : {content_type}")
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def data_image_for(url: str) -> tuple[bytes, str]:
    """(bytes, type) of an embedded image URL, or ValueError for anything else."""
    header, _comma, payload = url.partition(",")
    content_type = header.removeprefix("data:").removesuffix(";base64")
    if not header.endswith(";base64") or content_type not in DATA_IMAGE_TYPES:
        raise ValueError("Donnée intégrée refusée dans le PDF.")
    try:
        return base64.b64decode(payload, validate=True), content_type
    except binascii.Error as error:
        raise ValueError("Image intégrée illisible dans le PDF.") from error


@cache
def _static_files_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                content, content_type = data_image_for(url)
                return URLFetcherResponse(url, content, headers={"Content-Type": content_type})
            path = static_file_for(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticFilesFetcher


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    fetcher = _static_files_fetcher_class()()
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, context))
