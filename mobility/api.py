"""The one NinjaAPI: auth, French JSON errors, and each app's router under /api/v1/."""

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpRequest
from django.utils.module_loading import import_string
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer, django_auth
from ninja.throttling import AuthRateThrottle

from mobility import http_errors
from mobility.bounds import (
    OFFSET_OUT_OF_RANGE,
    OFFSET_OUT_OF_RANGE_MESSAGE,
    OUT_OF_RANGE,
    OUT_OF_RANGE_MESSAGE,
)
from mobility.core_api import router as core_router
from mobility.errors import DomainError, DuplicatePerson
from mobility.pagination import PAGINATION_MESSAGES
from mobility.registry import registry
from mobility.reports.api import router as reports_router
from mobility.sheet_audit_api import router as sheet_audit_router
from mobility.tokens import refusal as token_refusal

API_DESCRIPTION = """
API de la plateforme mobilité. Authentification : `Authorization: Bearer <jeton>`
(`python manage.py create_api_token UTILISATEUR`) ou la session du navigateur.
Les erreurs sont en JSON `{"detail": "..."}` ; une requête POST répétée avec le même
en-tête `Idempotency-Key` et le même corps renvoie la première réponse sans rien réécrire.
"""


class BearerToken(HttpBearer):
    """The token was resolved by ApiTokenMiddleware (so history sees the user); confirm it."""

    def authenticate(self, request: HttpRequest, token: str):
        if getattr(request, "api_token_auth", False) and request.user.is_authenticated:
            return request.user
        return None


class MobilityAPI(NinjaAPI):
    """Builds the OpenAPI schema once per process: it only changes with the code, and
    building it takes about 100 ms (the whole /api/openapi.json request, without this)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._openapi_schemas: dict[str, OpenAPISchema] = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._openapi_schemas:
            self._openapi_schemas[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return self._openapi_schemas[path_prefix]


api = MobilityAPI(
    title="Plateforme mobilité",
    version="1",
    description=API_DESCRIPTION,
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    # Per user. A call without a valid token stops at the 401 before any throttle, and a
    # token (256 random bits) is not worth guessing.
    throttle=[AuthRateThrottle(settings.API_THROTTLE_USER)],
)

# Pydantic's error types, said in French for the person reading the answer.
VALIDATION_MESSAGES = {
    "missing": "champ obligatoire",
    "date_parsing": "date invalide (format attendu AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date invalide (format attendu AAAA-MM-JJ)",
    "date_type": "date invalide (format attendu AAAA-MM-JJ)",
    "datetime_parsing": "date et heure invalides (format ISO 8601 attendu)",
    "datetime_from_date_parsing": "date et heure invalides (format ISO 8601 attendu)",
    "bool_parsing": "doit valoir true ou false",
    "bool_type": "doit valoir true ou false",
    "int_parsing": "doit être un nombre entier",
    "int_type": "doit être un nombre entier",
    "decimal_parsing": "doit être un nombre",
    "decimal_type": "doit être un nombre",
    "decimal_max_digits": "nombre trop grand",
    "decimal_max_places": "trop de décimales",
    "string_type": "doit être un texte",
    "string_too_short": "ne peut pas être vide",
    "string_too_long": "trop long",
    "list_type": "doit être une liste",
    "dict_type": "doit être un objet JSON",
    "model_type": "doit être un objet JSON",
    "model_attributes_type": "doit être un objet JSON",
    "extra_forbidden": "champ inconnu",
    "greater_than_equal": "ne peut pas être négatif",
    "greater_than": "doit être positif",
    "less_than_equal": "valeur trop grande",
    "json_invalid": "JSON invalide",
    "finite_number": "doit être un nombre fini",
    "float_parsing": "doit être un nombre",
    "float_type": "doit être un nombre",
    "int_from_float": "doit être un nombre entier, sans décimales",
    "too_short": "ne peut pas être vide",
    "too_long": "trop d'éléments",
    "less_than": "valeur trop grande",
    "date_future": "la date doit être dans le futur",
    "date_past": "la date doit être dans le passé",
    "datetime_type": "date et heure invalides (format ISO 8601 attendu)",
    "timezone_aware": "l'heure doit préciser son fuseau (par exemple +01:00)",
    "union_tag_invalid": "valeur inattendue",
    "value_error": "valeur invalide",
    OUT_OF_RANGE: OUT_OF_RANGE_MESSAGE,
    OFFSET_OUT_OF_RANGE: OFFSET_OUT_OF_RANGE_MESSAGE,
}
# Anything else: a neutral French phrase rather than pydantic's English sentence.
FALLBACK_MESSAGE = "valeur invalide"


def _field_path(location) -> str:
    # ("body", "payload", "person", "birth_date") -> "person.birth_date"
    parts = [str(part) for part in location if part not in ("body", "query", "path", "payload")]
    if parts and parts[0] == "filters":
        parts = parts[1:]
    return ".".join(parts) or "corps de la requête"


def _french(error: dict) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    location = tuple(error.get("loc", ()))
    if location[:1] == ("query",) and location[-1:][0] in PAGINATION_MESSAGES:
        return PAGINATION_MESSAGES[location[-1]]
    if kind in ("literal_error", "enum"):
        expected = context.get("expected", "").replace(" or ", " ou ")
        return f"valeur inattendue (valeurs possibles : {expected})"
    if kind == "too_long" and "max_length" in context:
        return f"trop d'éléments ({context['max_length']} au plus)"
    if kind == "string_too_long" and "max_length" in context:
        return f"trop long ({context['max_length']} caractères au plus)"
    if kind == "greater_than_equal" and context.get("ge") not in (None, 0):
        return f"doit valoir au moins {context['ge']}"
    return VALIDATION_MESSAGES.get(kind, FALLBACK_MESSAGE)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    errors = {_field_path(e.get("loc", ())): _french(e) for e in exc.errors}
    detail = "Requête invalide : " + " ; ".join(f"{k} : {v}" for k, v in errors.items()) + "."
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError):
    body = {"detail": exc.message}
    if exc.errors:
        body["errors"] = exc.errors
    if isinstance(exc, DuplicatePerson):
        body["candidates"] = exc.candidates
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError):
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    # A token that was good says why it no longer is (expired, revoked).
    detail = (token_refusal(raw.strip()) if scheme.lower() == "bearer" else None) or (
        "Authentification requise : envoyez l'en-tête "
        "« Authorization: Bearer <jeton> » avec un jeton valide."
    )
    return api.create_response(request, {"detail": detail}, status=401)


# django-ninja raises these with English messages; said again in French.
HTTP_ERROR_MESSAGES = {
    "Cannot parse request body": "Le corps de la requête n'est pas un JSON valide.",
    "CSRF check Failed": "Contrôle CSRF échoué : rechargez la page ou utilisez un jeton d'API.",
    "Too many requests": "Trop de requêtes : réessayez dans un instant.",
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    detail = str(exc)
    for english, french in HTTP_ERROR_MESSAGES.items():
        if detail.startswith(english):
            detail = french
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404):
    return api.create_response(
        request,
        {"detail": "Introuvable : cet objet n'existe pas ou ne vous est pas accessible."},
        status=404,
    )


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request: HttpRequest, exc: OperationalError | InterfaceError):
    # Handled here too, not only by DatabaseUnavailableMiddleware: under DEBUG, django-ninja
    # would answer any other exception with a plain-text 500 of its own.
    return http_errors.database_unavailable(request, exc)


api.add_router("/v1/", core_router)
# Each module's router, as its AppConfig.ready() registered it (mobility/registry.py).
for prefix, router in registry.routers_in_order():
    api.add_router(f"/v1/{prefix}", import_string(router))
api.add_router("/v1/reports/", reports_router)
api.add_router("/v1/reports/", sheet_audit_router)
