"""The request id travels with the tasks a request sends, so a delivery's log lines name the request behind it.

`before_task_publish` adds the id to the message's headers; `task_prerun` sets
it (and the task's schema) as the log context of the run, `task_postrun` puts
the previous context back. An eager task (no broker) runs inside the request
and keeps its context as it is.
"""

from collections.abc import Callable
from typing import Any

from shared_apps.operations.broker import SCHEMA_HEADER

REQUEST_ID_HEADER = "checkin_request_id"

_leaving: dict[str, Callable[[], None]] = {}


def on_before_task_publish(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    from shared_apps.operations.request_context import current_request_id

    request_id = current_request_id()
    if headers is not None and request_id and REQUEST_ID_HEADER not in headers:
        headers[REQUEST_ID_HEADER] = request_id


def _header(task: Any, name: str) -> str | None:
    # As tenant-schemas-celery reads its own: message headers, else the request's attributes (protocol 2).
    headers = getattr(task.request, "headers", None) or {}
    value = headers.get(name) if name in headers else task.request.get(name)
    return value if isinstance(value, str) else None


def on_task_prerun(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    from shared_apps.operations.request_context import task_context_enter

    if task is None or task_id is None or task.request.is_eager:
        return
    _leaving[task_id] = task_context_enter(
        request_id=_header(task, REQUEST_ID_HEADER), schema=_header(task, SCHEMA_HEADER)
    )


def on_task_postrun(task_id: str | None = None, **kwargs: Any) -> None:
    leave = _leaving.pop(task_id or "", None)
    if leave is not None:
        leave()
