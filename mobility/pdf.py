"""HTML to PDF with WeasyPrint, for every PDF of the product (contracts, summaries, reports).

WeasyPrint may read the project's static files and nothing else: every other URL (the
internet, local files) is refused. The one exception is an inline PNG (a `data:` URL): the
signatures drawn on a tablet are embedded that way, never fetched. It is imported on the
first PDF, not when a worker starts: it costs seconds and tens of megabytes that most
workers never need.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# A signature drawn on the tablet, embedded in the PDF (mobility.signing.signature_blocks).
INLINE_PNG = "data:image/png;base64,"
# The scan of a hand-signed paper sheet, embedded in a funder's audit pack
# (mobility/sheet_audit.py): a PNG or a JPEG, already checked at its upload.
INLINE_IMAGES = {INLINE_PNG: "image/png", "data:image/jpeg;base64,": "image/jpeg"}

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


@cache
def _static_files_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            for prefix, content_type in INLINE_IMAGES.items():
                if url.startswith(prefix):
                    return URLFetcherResponse(
                        url,
                        base64.b64decode(url[len(prefix) :]),
                        headers={"Content-Type": content_type},
                    )
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
