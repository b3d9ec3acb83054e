"""`Cache-Control: no-store` on every answer that may show a person.

The rule is kept simple so that no page is forgotten: every answer to a signed-in person
(pages, PDF, CSV, XLSX) and every API answer (JSON, the docs) is not to be kept by the
browser or a proxy. The static files, served by WhiteNoise before this middleware, stay
cacheable for a year; an anonymous visitor sees only the sign-in page, which Django
already marks never-cache. The other headers come from django-csp,
django-permissions-policy and Django's SecurityMiddleware (mobility/settings.py).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIX) or (user is not None and user.is_authenticated):
            # no-store, with no-cache and max-age=0 for older caches.
            add_never_cache_headers(response)
        return response
