"""Middleware: request id and access log, request limits, database outages, and for the
API bearer-token sign-in and Idempotency-Key replays.

The token is resolved here rather than in django-ninja's auth so that `request.user` is
the caller for everything downstream, simple-history's author included.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.signals import request_finished
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from mobility import http_errors
from mobility.logs import RequestContext, current_request
from mobility.models import IdempotentRequest
from mobility.tokens import user_for_token

API_PREFIX = "/api/"
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REQUEST_ID_HEADER = "X-Request-ID"
# An incoming request id is kept when it looks like one (a proxy's UUID or hex), so that a
# request can be followed from the proxy's logs into these; anything else is replaced.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

access_logger = logging.getLogger("mobility.access")


class RequestLogMiddleware:
    """Gives each request an id (echoed in X-Request-ID), makes it and the user id known to
    every log record of the request, and writes the access log: one line per request with
    method, path (never the query string: it holds the names searched for), status and
    duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is closed (forget_request below): Django logs its 4xx
        # warnings after the last middleware has returned, and they carry the id too.
        current_request.set(RequestContext(request_id=request_id, request=request))
        started = time.monotonic()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        access_logger.info(
            "%s %s %s %s ms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


@receiver(request_finished, dispatch_uid="mobility.forget_request")
def forget_request(**kwargs) -> None:
    current_request.set(None)


# The pages and API routes that take a file: a person's document (documents.urls) and the
# scan of a hand-signed paper (every such page's path ends in "scan-papier/", every such
# API route's in "/scan"). Their body may be a document's size.
UPLOAD_PATH = re.compile(r"^(/beneficiaires/\d+/documents/|/.+/scan-papier/|/api/v1/.+/scan)$")
UPLOAD_FORM_MARGIN = 64 * 1024


class RequestBodyLimitMiddleware:
    """A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is refused with a 413 before anything
        reads it (Django would raise on the first read, which the NUL check below does, and
        answer an English 400). Only the document upload page takes a file: there the limit is
    DOCUMENT_MAX_BYTES (the form then says in French when a file is too large)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            return http_errors.request_invalid(
                request, "Requête invalide : l'en-tête Content-Length n'est pas une taille."
            )
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and UPLOAD_PATH.match(request.path_info):
            # A document's upload form: the document's own limit, plus its form fields.
            limit = max(limit, settings.DOCUMENT_MAX_BYTES + UPLOAD_FORM_MARGIN)
        if limit is not None and length > limit:
            return http_errors.request_too_large(request)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After (JSON under
    /api/), not the 500 page. Failures in other middleware go through handler500, which
    says the same (mobility.http_errors.server_error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if http_errors.is_database_unavailable(exception):
            return http_errors.database_unavailable(request, exception)
        return None


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
