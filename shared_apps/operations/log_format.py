"""Log lines for machines (one JSON object per line) or people (text), with the request's context.

Every line carries the time, level, logger, message, request id, tenant schema and
user id (request_context.py). Nothing else of the request is added: no e-mail,
no name, no query string. An exception is written as its class and traceback,
without its message, which could quote a visitor's data ("duplicate key
(email)=(...)"). Structured fields a caller passes as `extra={"fields": {...}}`
(the access log) are added to the JSON object.
"""

import datetime as dt
import json
import logging
import traceback
from typing import Any

from shared_apps.operations.request_context import current_request_id, current_tenant, current_user_id


class RequestContextFilter(logging.Filter):
    """Puts the context on each record (`request_id`, `tenant`, `user_id`), for either format."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        record.tenant = current_tenant()
        record.user_id = current_user_id()
        return True


def _context(record: logging.LogRecord, name: str) -> Any:
    return getattr(record, name, None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _context(record, "request_id"),
            "tenant": _context(record, "tenant"),
            "user_id": _context(record, "user_id"),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update({key: value for key, value in fields.items() if key not in line})
        if record.exc_info and record.exc_info[0] is not None:
            error_class, _error, tb = record.exc_info
            line["exception"] = {"type": error_class.__name__, "traceback": "".join(traceback.format_tb(tb))}
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """`time LEVEL [tenant] [request id] logger: message`, the exception's class and traceback without its message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s [%(tenant)s] [%(request_id)s] %(name)s: %(message)s")

    def formatException(self, ei: Any) -> str:
        error_class, _error, tb = ei
        return "Traceback (most recent call last):\n" + "".join(traceback.format_tb(tb)) + error_class.__name__

    def format(self, record: logging.LogRecord) -> str:
        for name in ("request_id", "tenant"):
            if getattr(record, name, None) is None:
                setattr(record, name, "-")
        return super().format(record)
