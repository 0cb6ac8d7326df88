"""gunicorn settings for the web process: `gunicorn -c deploy/gunicorn.conf.py checkin.wsgi`."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Import and warm the application once, before forking (checkin/wsgi.py): workers start ready to serve.
preload_app = True
# Recycle workers now and then: with thousands of schemas a long-lived
# PostgreSQL connection caches metadata for every table it touched.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# No gunicorn access log: Django writes one line per request (checkin.access, shared_apps/operations/request_context.py)
# with its time, request id, client address and duration, in the LOG_FORMAT of every other line.
accesslog = None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Time for a request in progress to finish on SIGTERM (a rollout), within Kubernetes' grace period.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
# Behind the proxy, keep its connections open a little longer than it does.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Worker heartbeats in memory (the image sets /dev/shm): its root filesystem is read-only.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None
# Requests with absurd lines or headers are refused before Django sees them (400).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190


# Metrics of all workers go to one folder that /metrics adds up (prometheus-client's multiprocess mode), emptied now,
# before the application (and prometheus-client) is loaded: PROMETHEUS_MULTIPROC_DIR, else a new temporary folder.
from shared_apps.operations.metrics_folder import metrics_folder_prepare, metrics_process_gone  # noqa: E402

metrics_folder_prepare()


def child_exit(server, worker):
    metrics_process_gone(worker.pid)


# gunicorn's own lines (start, worker timeouts and exits) in the application's format (JSON unless LOG_FORMAT=text),
# through the root logger.
from gunicorn.glogging import Logger  # noqa: E402

from checkin.logging_config import logging_config  # noqa: E402

logconfig_dict = logging_config(
    log_format=os.environ.get("LOG_FORMAT", "json"), level=os.environ.get("LOG_LEVEL", "INFO")
)
logconfig_dict["loggers"]["gunicorn.error"] = {"level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": True}


class AccessLinesOnlyWhenAsked(Logger):
    """gunicorn formats every request's access-log fields whenever a logging config is given (ours always is), only
    for on_starting's silenced logger to drop the line: a few per cent of a kiosk request's CPU. Skip that work
    unless an access log was asked for (`accesslog`, --access-logfile)."""

    def access(self, resp, req, environ, request_time):
        if self.cfg.accesslog:
            super().access(resp, req, environ, request_time)


logger_class = AccessLinesOnlyWhenAsked


def on_starting(server):
    # logconfig_dict turns gunicorn's access logger on: keep its lines out of the root logger (Django writes the
    # access log). An explicit --access-logfile still gets them, through the handler gunicorn gives it.
    import logging

    logging.getLogger("gunicorn.access").propagate = False
