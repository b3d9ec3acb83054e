"""The answers given when a request cannot be served: a French JSON `detail` under /api/,
a French page elsewhere. Also Django's handler400 and handler500.

None of them touches the database (they are what answers while it is down): the pages are
rendered without the request, so no context processor loads the user.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

API_PREFIX = "/api/"
# How long a client waits before retrying while the database is unreachable, in seconds.
RETRY_AFTER_SECONDS = 10

logger = logging.getLogger("mobility.database")


def is_database_unavailable(exception: BaseException | None) -> bool:
    """The database cannot be reached (down, restarting, connection lost) or cannot serve
    now (lock timeout, serialisation failure): the same request may succeed later."""
    return isinstance(exception, OperationalError | InterfaceError)


def _answer(request: HttpRequest, *, status: int, detail: str, template: str, **context):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": detail}, status=status)
    page = loader.render_to_string(template, {"detail": detail, **context})
    return HttpResponse(page, status=status, content_type="text/html; charset=utf-8")


def database_unavailable(
    request: HttpRequest, exception: BaseException, *, log: bool = True
) -> HttpResponse:
    if log:
        # One line, no traceback: an outage would otherwise print one per request.
        first_line = next(iter(str(exception).strip().splitlines()), "")
        logger.error("Database unavailable: %s: %s", type(exception).__name__, first_line)
    response = _answer(
        request,
        status=503,
        detail="Service momentanément indisponible : la base de données ne répond pas. "
        f"Réessayez dans {RETRY_AFTER_SECONDS} secondes.",
        template="503.html",
        retry_after=RETRY_AFTER_SECONDS,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def size_in_french(size: int) -> str:
    """1048576 -> "1 Mo", 1536 -> "1,5 Ko" (the units a French reader knows)."""
    for unit, scale in (("Mo", 1024 * 1024), ("Ko", 1024)):
        if size >= scale:
            number = f"{size / scale:.1f}".removesuffix(".0").replace(".", ",")
            return f"{number}\u00a0{unit}"
    return f"{size}\u00a0octets"


def request_too_large(request: HttpRequest) -> HttpResponse:
    limit = size_in_french(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return _answer(
        request,
        status=413,
        detail=f"Requête trop volumineuse : le corps d'une requête ne dépasse pas {limit}. "
        "Envoyez moins de données à la fois.",
        template="413.html",
        limit=limit,
    )


def request_invalid(request: HttpRequest, detail: str) -> HttpResponse:
    return _answer(request, status=400, detail=detail, template="400.html")


# handler400 and handler500 (mobility/urls.py).

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """Django's SuspiciousOperation answers: too much data is a 413, the rest a 400."""
    if isinstance(exception, TOO_LARGE):
        return request_too_large(request)
    return request_invalid(
        request, "Requête invalide : elle n'a pas pu être lue. Vérifiez l'adresse et l'envoi."
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """An uncaught exception. Those raised in a middleware (the session, the API token,
    the Idempotency-Key lookup) reach only this handler: a database that does not answer
    there is a 503 too."""
    exception = sys.exc_info()[1]
    if is_database_unavailable(exception):
        # Django logs this one itself ("Service Unavailable"), with its traceback.
        return database_unavailable(request, exception, log=False)
    return _answer(
        request,
        status=500,
        detail="Erreur interne du serveur : elle est enregistrée. Réessayez dans quelques "
        "minutes ; si elle persiste, prévenez l'administrateur·rice de votre plateforme.",
        template="500.html",
    )
