"""Errors to Sentry (when SENTRY_DSN is set), without personal data.

The SDK already leaves out cookies, IP addresses and users when `send_default_pii` is off,
but it still sends request bodies, query strings (the beneficiary searched for), local
variables and the extras of log records (Django's `request`, whose repr holds the query
string). `scrub_event` keeps what helps to find a bug and nothing that names a person:
the method, the path, the user id and the request id.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from mobility.logs import current_request, loaded_user_id, without_row_values

# Headers that say nothing about the person; every other one is dropped.
KEPT_HEADERS = frozenset(
    {"content-type", "content-length", "accept", "accept-language", "host", "x-request-id"}
)
# Extras of log records and data of breadcrumbs worth keeping (mobility/logs.py names them).
KEPT_DATA = frozenset(
    {"status_code", "request_id", "user_id", "method", "path", "status", "duration_ms"}
)


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _kept(data: Any) -> dict:
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if key in KEPT_DATA}


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict | None = None) -> dict[str, Any]:
    """A breadcrumb keeps its category, level and message; of its data, only KEPT_DATA.

    SQL breadcrumbs carry their parameters (names searched for); HTTP ones, their URL.
    """
    crumb = dict(crumb)
    if "data" in crumb:
        crumb["data"] = _kept(crumb["data"])
    return crumb


def scrub_event(event: dict[str, Any]) -> dict[str, Any]:
    """The event without request body, query string, cookies, personal headers, local
    variables, log extras, row values quoted by PostgreSQL, nor any user field but the id.
    Pure: works on a copy, no I/O, no global."""
    event = copy.deepcopy(event)
    request = event.get("request")
    if isinstance(request, dict):
        kept = {key: value for key, value in request.items() if key in ("method", "url")}
        if "url" in kept:
            kept["url"] = _without_query(str(kept["url"]))
        if isinstance(request.get("headers"), dict):
            kept["headers"] = {
                name: value
                for name, value in request["headers"].items()
                if name.lower() in KEPT_HEADERS
            }
        event["request"] = kept
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if user.get("id") is not None else {}
    if "extra" in event:
        event["extra"] = _kept(event["extra"])
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict) and isinstance(breadcrumbs.get("values"), list):
        breadcrumbs["values"] = [scrub_breadcrumb(crumb) for crumb in breadcrumbs["values"]]
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception.get("value"), str):
            exception["value"] = without_row_values(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    return event


def before_send(event: dict[str, Any], hint: dict | None) -> dict[str, Any]:
    """Scrub, then name the request and the user by their ids only."""
    event = scrub_event(event)
    context = current_request.get()
    if context is not None:
        event["tags"] = {**(event.get("tags") or {}), "request_id": context.request_id}
        user_id = loaded_user_id(context.request)
        if user_id is not None:
            event["user"] = {"id": str(user_id)}
    return event


def init_sentry(*, dsn: str, environment: str) -> None:
    # Imported here: a process without SENTRY_DSN does not load the SDK at all.
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=before_send,
        before_breadcrumb=scrub_breadcrumb,
    )
