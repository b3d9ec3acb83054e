"""The rental contract as a PDF (WeasyPrint), fetching nothing but the project's static files.

Fonts: the layout asks for DejaVu Sans, installed on the machine and found by fontconfig,
so no font file is fetched.
"""

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

STATIC_ROOTS = [Path(directory).resolve() for directory in settings.STATICFILES_DIRS]


class StaticOnlyFetcher(URLFetcher):
    """Reads files under the project's static folders; refuses the network and the disk."""

    def __init__(self):
        super().__init__(allowed_protocols={"file"}, timeout=5)

    def fetch(self, url, headers=None):
        if not is_static_file(url):
            raise ValueError(f"Ressource refusée dans un PDF : {url}")
        return super().fetch(url, headers)


def is_static_file(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return False
    path = Path(unquote(parsed.path)).resolve()
    return path.is_file() and any(path.is_relative_to(root) for root in STATIC_ROOTS)


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    base_url = STATIC_ROOTS[0].as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyFetcher()).write_pdf()
