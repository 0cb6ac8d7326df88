"""`GET /internal/tls-allowed?domain=...`: the proxy's question before it requests an on-demand certificate.

Answered before host validation and tenant routing (the proxy asks with its own
Host header), and only to callers inside CHECKIN_INTERNAL_NETWORKS that did not
come through the proxy from outside (no X-Forwarded-For). Everyone else gets
the same plain 404 as an unknown path.
"""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound

from shared_apps.operations.selectors import domain_is_served

TLS_ASK_PATH = "/internal/tls-allowed"


def _from_internal_network(request: HttpRequest) -> bool:
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network) for network in settings.CHECKIN_INTERNAL_NETWORKS)


class TlsAskMiddleware:
    """200 when `domain` is a host of a live tenant, 404 otherwise; nothing else is disclosed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != TLS_ASK_PATH:
            return self.get_response(request)
        if request.method != "GET" or not _from_internal_network(request):
            return HttpResponseNotFound("Not Found", content_type="text/plain")
        domain = request.GET.get("domain", "")
        if domain and domain_is_served(domain=domain):
            return HttpResponse("allowed", content_type="text/plain")
        return HttpResponseNotFound("unknown domain", content_type="text/plain")
