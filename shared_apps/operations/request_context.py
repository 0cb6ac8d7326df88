"""Who and what a log line is about: the request id, the tenant and the user of the work in progress.

Each request gets an id: the caller's `X-Request-ID` when it is well-formed
(a proxy's or a load balancer's, so one id follows the request through every
tier), else a new UUID. The id is sent back in the response, tagged on Sentry
events and handed to the tasks the request sends (task_context.py).

The context lives in context variables, set when a request (or a task) starts
and reset when it ends, so a log line can never carry an earlier request's
tenant; the tenant is read from the request itself, not from the database
connection, whose schema outlives the request that set it.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

import sentry_sdk
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and a few separators (UUIDs, ULIDs, trace ids): nothing that could forge a log line.
_WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:+=/-]{8,128}")
# Probes and scrapes every few seconds: neither logged nor counted, they would drown the real traffic.
UNLOGGED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

access_logger = logging.getLogger("checkin.access")

_request: ContextVar[HttpRequest | None] = ContextVar("checkin_request", default=None)
_request_id: ContextVar[str | None] = ContextVar("checkin_request_id", default=None)
_task_schema: ContextVar[str | None] = ContextVar("checkin_task_schema", default=None)


def request_id_accept(value: str | None) -> str:
    """The caller's id if it is well-formed, else a new one."""
    if value and _WELL_FORMED_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return _request_id.get()


def current_tenant() -> str | None:
    """The schema of the request being served (once its host is known), or of the task being run."""
    request = _request.get()
    if request is not None:
        tenant = getattr(request, "tenant", None)
        return tenant.schema_name if tenant is not None else None
    return _task_schema.get()


def current_user_id() -> int | None:
    """The signed-in user's id (unique within the tenant), once something has looked the user up.

    Never looked up here: a log line must not cost a query, nor fail because the database is away.
    """
    request = _request.get()
    user = request.__dict__.get("user") if request is not None else None
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


def task_context_enter(*, request_id: str | None, schema: str | None) -> Callable[[], None]:
    """Set the context of a task; returns what puts the previous one back."""
    tokens = (_request_id.set(request_id or _request_id.get()), _task_schema.set(schema))
    if request_id:
        sentry_sdk.set_tag("request_id", request_id)

    def leave() -> None:
        _request_id.reset(tokens[0])
        _task_schema.reset(tokens[1])

    return leave


# URL parameters that are credentials (an invitation's set-password link): whoever reads the log must not be able
# to use them.
SECRET_URL_PARAMETERS = frozenset({"uidb64", "token"})


def loggable_path(request: HttpRequest) -> str:
    """The request's path with its secret URL parameters replaced by `[secret]`."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name in SECRET_URL_PARAMETERS & set(match.kwargs if match else ()):
        path = path.replace(f"/{match.kwargs[name]}/", "/[secret]/")  # type: ignore[union-attr]
    return path


def _access_log(request: HttpRequest, response: HttpResponse, *, request_id: str, seconds: float) -> None:
    # Imported here: LOGGING imports this module while Django sets up, before models can be imported.
    from shared_apps.audit.services import client_ip

    fields = {
        "client": client_ip(request),
        "method": request.method,
        "path": loggable_path(request),  # never the query string: it may carry search terms
        "status": response.status_code,
        "duration_ms": round(seconds * 1000, 1),
        "request_id": request_id,
    }
    access_logger.info(
        "%s %s %s %.1fms from %s", fields["method"], fields["path"], fields["status"], fields["duration_ms"],
        fields["client"], extra={"fields": fields},
    )  # fmt: skip


class RequestContextMiddleware:
    """First of MIDDLEWARE: gives the request its id and context, and writes its access log line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_accept(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        tokens = (_request.set(request), _request_id.set(request_id), _task_schema.set(None))
        sentry_sdk.get_isolation_scope().set_tag("request_id", request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if request.path not in UNLOGGED_PATHS:
                _access_log(request, response, request_id=request_id, seconds=time.perf_counter() - started)
        finally:
            _request.reset(tokens[0])
            _request_id.reset(tokens[1])
            _task_schema.reset(tokens[2])
        return response
