"""`GET /metrics`: the Prometheus text format, for the scraper only.

Off unless CHECKIN_METRICS_TOKEN or CHECKIN_METRICS_NETWORKS is set (404, as an
unknown path). With a token, the scraper sends `Authorization: Bearer <token>`
(401 otherwise); with networks, it must connect from one of them directly, not
through the proxy (403 otherwise); with both, both. Answered before host
validation and tenant routing: Prometheus scrapes each process by its address.
The Celery worker serves the same on CHECKIN_WORKER_METRICS_PORT (worker_metrics.py).
"""

import hmac
import ipaddress
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared_apps.operations.metrics import metrics_registry, request_observe
from shared_apps.operations.request_context import UNLOGGED_PATHS

METRICS_PATH = "/metrics"


def metrics_refusal(*, remote_addr: str, authorization: str, forwarded: bool) -> tuple[int, str] | None:
    """Why a scrape is refused, as a status and a reason, or None when it may have the metrics."""
    token, networks = settings.CHECKIN_METRICS_TOKEN, settings.CHECKIN_METRICS_NETWORKS
    if not token and not networks:
        return 404, "Not Found"
    if networks:
        try:
            address = ipaddress.ip_address(remote_addr)
        except ValueError:
            return 403, "Forbidden"
        if forwarded or not any(address in ipaddress.ip_network(network) for network in networks):
            return 403, "Forbidden"
    if token:
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            return 401, "Unauthorized"
    return None


def metrics_text() -> bytes:
    return generate_latest(metrics_registry())


class MetricsMiddleware:
    """Second of MIDDLEWARE (after the request's context): answers /metrics, and counts and times every other
    request but the probes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != METRICS_PATH:
            started = time.perf_counter()
            response = self.get_response(request)
            if request.path not in UNLOGGED_PATHS:
                request_observe(request, response, seconds=time.perf_counter() - started)
            return response
        refusal = metrics_refusal(
            remote_addr=request.META.get("REMOTE_ADDR", ""),
            authorization=request.headers.get("Authorization", ""),
            forwarded="HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META,
        )
        if refusal is not None:
            response = HttpResponse(refusal[1], status=refusal[0], content_type="text/plain")
            if refusal[0] == 401:
                response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
