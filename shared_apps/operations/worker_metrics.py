"""Metrics of the Celery worker: how long purges and exports take, and the port Prometheus scrapes.

The durations are measured around the tasks (task_prerun to task_postrun, in
the pool process that runs them), so the tasks themselves know nothing of
metrics. The worker's main process serves every pool process's values on
CHECKIN_WORKER_METRICS_PORT, with the same access rule as the web's /metrics.
"""

import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from prometheus_client import CONTENT_TYPE_LATEST, Histogram

from shared_apps.operations import metrics
from shared_apps.operations.metrics_folder import FOLDER_VARIABLE, metrics_folder_prepare, metrics_process_gone

TIMED_TASKS: dict[str, Histogram] = {
    "privacy.purge_company": metrics.PURGE_SECONDS,
    "privacy.export_generate": metrics.EXPORT_SECONDS,
}
_started: dict[str, float] = {}


def on_task_prerun(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    if task_id and getattr(task, "name", None) in TIMED_TASKS:
        _started[task_id] = time.perf_counter()


def on_task_postrun(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    started = _started.pop(task_id or "", None)
    if started is not None:
        TIMED_TASKS[task.name].observe(time.perf_counter() - started)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes are not logged (as the web's /metrics is not)."""


def _metrics_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    from shared_apps.operations.metrics_endpoint import metrics_refusal, metrics_text

    refusal = metrics_refusal(
        remote_addr=environ.get("REMOTE_ADDR", ""),
        authorization=environ.get("HTTP_AUTHORIZATION", ""),
        forwarded="HTTP_X_FORWARDED_FOR" in environ or "HTTP_FORWARDED" in environ,
    )
    if refusal is not None:
        start_response(f"{refusal[0]} {refusal[1]}", [("Content-Type", "text/plain")])
        return [refusal[1].encode()]
    start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
    return [metrics_text()]


def on_worker_init(**kwargs: Any) -> None:
    """In the worker's main process, before the pool starts: serve the metrics when a port is set."""
    port = settings.CHECKIN_WORKER_METRICS_PORT
    if not port:
        return
    if not os.environ.get(FOLDER_VARIABLE):
        raise ImproperlyConfigured(
            f"CHECKIN_WORKER_METRICS_PORT is set without {FOLDER_VARIABLE}: set it to a writable folder "
            "(the image's worker command does), or the pool processes' metrics cannot be added up."
        )
    metrics_folder_prepare()
    server = make_server(settings.CHECKIN_WORKER_METRICS_ADDRESS, port, _metrics_app, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()


def on_worker_process_shutdown(pid: int | None = None, **kwargs: Any) -> None:
    metrics_process_gone(pid or os.getpid())
