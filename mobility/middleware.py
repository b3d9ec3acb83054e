"""API middleware: bearer-token sign-in and Idempotency-Key replays.

The token is resolved here rather than in django-ninja's auth so that `request.user` is
the caller for everything downstream, simple-history's author included.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from mobility.models import IdempotentRequest
from mobility.tokens import user_for_token

API_PREFIX = "/api/"
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RejectNulCharacterMiddleware:
    """PostgreSQL text cannot hold the NUL character: an API request carrying one (in the
    query string, or as a JSON \\u0000 escape) gets a clear 400 instead of a crash.
    The HTML forms already refuse it through Django's own validator."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and (
            any("\x00" in value for _key, values in request.GET.lists() for value in values)
            or b"\x00" in request.body
            or b"\\u0000" in request.body.lower()
        ):
            return JsonResponse(
                {"detail": "La requête contient un caractère nul (\\u0000) : retirez-le."},
                status=400,
            )
        return self.get_response(request)


class ApiErrorsAsJsonMiddleware:
    """Under /api/, the answers Django gives before any API handler runs (an unknown path,
    a method the path does not take) are JSON with a French `detail` too."""

    MESSAGES = {
        404: "Introuvable : cette adresse n'existe pas dans l'API (voir /api/docs).",
        405: "Méthode non permise sur cette adresse (voir /api/docs).",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code in self.MESSAGES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            json_response = JsonResponse(
                {"detail": self.MESSAGES[response.status_code]}, status=response.status_code
            )
            if response.has_header("Allow"):
                json_response["Allow"] = response["Allow"]
            return json_response
        return response


class ApiTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
        if request.path.startswith(API_PREFIX) and scheme.lower() == "bearer":
            user = user_for_token(raw.strip())
            request.user = user if user is not None else AnonymousUser()
            request.api_token_auth = user is not None
            # A bearer token is not a cookie: no cross-site request can carry it.
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)


class IdempotencyMiddleware:
    """Every API write is one transaction, undone when it ends in a 500; and a POST
    repeated with the same Idempotency-Key and body returns the first response.

    django-ninja answers a crash with a 500 response rather than an exception, so
    Django's ATOMIC_REQUESTS would commit what the failed request wrote: hence the
    explicit rollback. The view and the record of its response commit together: when two
    retries race, the unique (user, key) constraint lets one commit and rolls the other
    back whole, which then replays the winner's response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in WRITE_METHODS or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if request.method != "POST" or not key or not request.user.is_authenticated:
            with transaction.atomic():
                return self._run(request)
        if len(key) > MAX_KEY_LENGTH:
            return JsonResponse(
                {"detail": f"L'en-tête Idempotency-Key dépasse {MAX_KEY_LENGTH} caractères."},
                status=400,
            )
        body_hash = hashlib.sha256(request.body).hexdigest()
        try:
            with transaction.atomic():
                stored = self._stored(request, key)
                if stored is not None:
                    return self._replay(stored, request, body_hash)
                response = self._run(request)
                if response.status_code < 500 and not response.streaming:
                    IdempotentRequest.objects.create(
                        user=request.user,
                        key=key,
                        method=request.method,
                        path=request.path,
                        body_hash=body_hash,
                        status_code=response.status_code,
                        response_body=response.content,
                    )
                return response
        except IntegrityError:
            # Lost the race to a concurrent retry: everything this one wrote is rolled back.
            stored = self._stored(request, key)
            if stored is None:
                raise
            return self._replay(stored, request, body_hash)

    def _run(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 500:
            transaction.set_rollback(True)
        return response

    def _stored(self, request: HttpRequest, key: str) -> IdempotentRequest | None:
        stored = IdempotentRequest.objects.filter(user=request.user, key=key).first()
        expiry = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
        if stored is not None and stored.created_at < expiry:
            stored.delete()
            return None
        return stored

    def _replay(self, stored: IdempotentRequest, request: HttpRequest, body_hash: str):
        if stored.path != request.path or stored.body_hash != body_hash:
            return JsonResponse(
                {
                    "detail": "Cette clé Idempotency-Key a déjà servi pour une autre requête : "
                    "utilisez une nouvelle clé pour une nouvelle opération."
                },
                status=422,
            )
        response = HttpResponse(
            bytes(stored.response_body),
            status=stored.status_code,
            content_type="application/json",
        )
        response["Idempotent-Replayed"] = "true"
        return response
