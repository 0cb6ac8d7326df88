"""Signing and sending the company's webhook: a JSON POST with an HMAC-SHA256 signature.

The receiver recomputes `sha256=` + hex(HMAC-SHA256(secret, f"{timestamp}.{body}"))
from the `X-Checkin-Timestamp` header and the raw body, compares it in constant
time with `X-Checkin-Signature`, and rejects timestamps older than a few minutes.
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

SIGNATURE_HEADER = "X-Checkin-Signature"
TIMESTAMP_HEADER = "X-Checkin-Timestamp"
EVENT_HEADER = "X-Checkin-Event"
DELIVERY_HEADER = "X-Checkin-Delivery"
TIMEOUT_SECONDS = 10
SECRET_PREFIX = "whsec_"  # noqa: S105 - a label, not a secret


def webhook_secret_new() -> str:
    """A fresh signing secret with 256 bits of randomness."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """The value of the signature header for this timestamp and raw body."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@dataclass(frozen=True)
class WebhookResult:
    status_code: int | None
    duration_ms: int
    error: str  # the error class and status, never the response body

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: the signed body must reach the URL the admin set, not wherever it points."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def webhook_address_allowed(url: str) -> bool:
    """Whether every address the URL's host resolves to is public (unless private ones are allowed by settings).

    A name that does not resolve is allowed here: the request then fails with its own error.
    """
    if settings.CHECKIN_WEBHOOK_ALLOW_PRIVATE:
        return True
    host = urllib.parse.urlsplit(url).hostname
    if not host:
        return False
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return True
    return all(ipaddress.ip_address(str(address).split("%")[0]).is_global for address in addresses)


def webhook_post(
    *, url: str, secret: str, event: str, payload: dict[str, Any], delivery_id: int | None
) -> WebhookResult:
    """POST `payload` as signed JSON; any answer outside 2xx, a timeout or a refused connection is a failure."""
    body = json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Check-in-Webhook/1",
        EVENT_HEADER: event,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: webhook_signature(secret=secret, timestamp=timestamp, body=body),
    }
    if delivery_id is not None:
        headers[DELIVERY_HEADER] = str(delivery_id)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only, see forms
    if not webhook_address_allowed(url):
        return WebhookResult(status_code=None, duration_ms=0, error="Blocked: not a public address")
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        error = type(reason).__name__ if isinstance(reason, BaseException) else type(exc).__name__
    duration_ms = int((time.monotonic() - started) * 1000)
    if status is not None and not 200 <= status < 300 and not error:
        error = f"HTTP {status}"
    return WebhookResult(status_code=status, duration_ms=duration_ms, error=error)
