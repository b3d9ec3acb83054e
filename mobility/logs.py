"""Logging: one JSON object per line (or plain text for the demo), tagged with the request.

Every record carries the request id and the user id of the request being served (a
contextvar set by `RequestLogMiddleware`), and nothing that names a person: no object is
ever serialised by its repr (Django attaches the request, whose repr holds the query
string, hence the beneficiary searched for), and runserver's request lines lose their
query string. Imported by the settings: no model, no app registry here.
"""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils.functional import empty
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

LOG_FORMATS = ("json", "text")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    request: Any  # the HttpRequest: its user is read only once something has loaded it


current_request: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)


def loaded_user_id(request) -> int | None:
    """The signed-in user's id if the request already knows it, without a query.

    `request.user` is lazy under session auth: loading it here would query the database
    from inside logging (and fail again while the database is down).
    """
    user = getattr(request, "user", None)
    if user is None:
        return None
    if getattr(user, "_wrapped", None) is empty:  # a SimpleLazyObject not evaluated yet
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_request.get()
        if context is None:
            record.request_id = getattr(record, "request_id", None)
            record.user_id = getattr(record, "user_id", None)
        else:
            record.request_id = context.request_id
            record.user_id = loaded_user_id(context.request)
        return True


# runserver logs the request line '"GET /beneficiaires/?q=Dupont HTTP/1.1" 200 123'.
REQUEST_LINE_QUERY = re.compile(r"^(\S+ [^?\s]*)\?\S*")


class StripQueryStringFilter(logging.Filter):
    """Removes the query string from runserver's request lines (`django.server`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            record.args = (REQUEST_LINE_QUERY.sub(r"\1", record.args[0]), *record.args[1:])
        return True


SAFE_EXTRA_TYPES = (str, int, float, bool, type(None))

# PostgreSQL quotes the offending row in an error's DETAIL line ("Key (email)=(...)").
ROW_VALUES = re.compile(r"^DETAIL:.*$", re.MULTILINE)


def without_row_values(text: str) -> str:
    return ROW_VALUES.sub("DETAIL: (values removed)", text)


class TextFormatter(logging.Formatter):
    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        return without_row_values(super().formatException(ei))


class JsonFormatter(BaseJsonFormatter):
    """time, level, logger, message, request_id, user_id, then the record's plain extras."""

    def __init__(self, **kwargs):
        super().__init__(
            ["levelname", "name", "message", "request_id", "user_id"],
            rename_fields={"levelname": "level", "name": "logger"},
            **kwargs,
        )

    def add_fields(self, log_data, record, message_dict) -> None:
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(
            timespec="milliseconds"
        )
        super().add_fields(log_data, record, message_dict)

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        return without_row_values(super().formatException(ei))

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        # Extras that are objects (Django's `request`, runserver's socket) are dropped:
        # their repr is not a field anyone chose to log and may hold personal data.
        return {
            key: value for key, value in log_data.items() if isinstance(value, SAFE_EXTRA_TYPES)
        }


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] %(message)s"


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING setting: every logger through one console handler, in `log_format`."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    formatter = (
        {"()": "mobility.logs.JsonFormatter"}
        if log_format == "json"
        else {"()": "mobility.logs.TextFormatter", "fmt": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_context": {"()": "mobility.logs.RequestContextFilter"},
            "strip_query_string": {"()": "mobility.logs.StripQueryStringFilter"},
        },
        "formatters": {"main": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["request_context"],
            },
            "server": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["request_context", "strip_query_string"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own handlers print plain text: route its loggers through ours.
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            # runserver's request lines repeat the access log (mobility.access): keep its
            # warnings and errors only, without their query string.
            "django.server": {"handlers": ["server"], "level": "WARNING", "propagate": False},
            # Chatty at INFO: a start-up banner, and every step of each PDF rendered.
            "axes": {"level": "WARNING"},
            "weasyprint.progress": {"level": "WARNING"},
        },
    }
