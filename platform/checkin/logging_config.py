"""LOGGING for every process: JSON lines (LOG_FORMAT=json, production's default) or text, with the request's context.

Both formats carry the request id, tenant schema and user id of the work in
progress (shared_apps/operations/log_format.py), never personal data.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured

FORMATTERS = {
    "json": "shared_apps.operations.log_format.JsonFormatter",
    "text": "shared_apps.operations.log_format.TextFormatter",
}


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """The dictConfig for `log_format` (json or text) at `level`; a bad value stops the process with what to set."""
    fmt = log_format.strip().lower()
    if fmt not in FORMATTERS:
        raise ImproperlyConfigured(f"LOG_FORMAT={log_format!r}: use 'json' or 'text'.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": "shared_apps.operations.log_format.RequestContextFilter"}},
        "formatters": {"checkin": {"()": FORMATTERS[fmt]}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["request_context"], "formatter": "checkin"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # One line per request comes from checkin.access (request_context.py); Django's own would repeat 4xx.
            "django.request": {"level": "ERROR"},
        },
    }
