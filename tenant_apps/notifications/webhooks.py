"""Signing and sending the company's webhook: a JSON POST with an HMAC-SHA256 signature.

The receiver recomputes `sha256=` + hex(HMAC-SHA256(secret, f"{timestamp}.{body}"))
from the `X-Checkin-Timestamp` header and the raw body, compares it in constant
time with `X-Checkin-Signature`, and rejects timestamps older than a few minutes.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

SIGNATURE_HEADER = "X-Checkin-Signature"
TIMESTAMP_HEADER = "X-Checkin-Timestamp"
EVENT_HEADER = "X-Checkin-Event"
DELIVERY_HEADER = "X-Checkin-Delivery"
# The same for every try of one delivery: a receiver that saw it already can drop the copy.
IDEMPOTENCY_HEADER = "Idempotency-Key"
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


def _is_public(address: str) -> bool:
    return ipaddress.ip_address(address.split("%")[0]).is_global


def _addresses(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, in the resolver's order (raises OSError when it does not resolve)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def webhook_address_allowed(url: str) -> bool:
    """Whether every address the URL's host resolves to is public (unless private ones are allowed by settings).

    A name that does not resolve is allowed here (the settings form): sending then fails with its own error.
    """
    if settings.CHECKIN_WEBHOOK_ALLOW_PRIVATE:
        return True
    host = urllib.parse.urlsplit(url).hostname
    if not host:
        return False
    try:
        addresses = _addresses(host, 443)
    except OSError:
        return True
    return all(_is_public(address) for address in addresses)


def _pinned_connection(url: urllib.parse.SplitResult, address: str) -> http.client.HTTPConnection:
    """A connection to `url`'s host that opens its socket to `address`, the one that was checked.

    Resolving the name again when connecting would let it answer differently a moment later (DNS rebinding) and
    reach a private network. The Host header, TLS's server name and the certificate check still use the name.
    """
    https = url.scheme == "https"
    connection_class = http.client.HTTPSConnection if https else http.client.HTTPConnection
    connection = connection_class(str(url.hostname), url.port, timeout=TIMEOUT_SECONDS)

    def create_connection(target: tuple[str, int], *args: Any) -> socket.socket:
        return socket.create_connection((address, target[1]), *args)

    # http.client opens every socket through this instance attribute (HTTPS wraps it afterwards).
    setattr(connection, "_create_connection", create_connection)  # noqa: B010 - an attribute typeshed omits
    return connection


def webhook_post(
    *,
    url: str,
    secret: str,
    event: str,
    payload: dict[str, Any],
    delivery_id: int | None,
    idempotency_key: str | None = None,
) -> WebhookResult:
    """POST `payload` as signed JSON to the company's webhook (see `json_post`)."""
    body = json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "User-Agent": "Check-in-Webhook/1",
        EVENT_HEADER: event,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: webhook_signature(secret=secret, timestamp=timestamp, body=body),
    }
    if delivery_id is not None:
        headers[DELIVERY_HEADER] = str(delivery_id)
    return json_post(url=url, body=body, headers=headers, idempotency_key=idempotency_key)


def json_post(
    *, url: str, body: bytes, headers: dict[str, str], idempotency_key: str | None = None, private_ok: bool = False
) -> WebhookResult:
    """POST a JSON `body` to `url` from a public address only (the company webhook, a Teams or Slack channel's
    incoming webhook): any answer outside 2xx (a redirect too: the body must reach the URL that was set), a timeout
    or a refused connection is a failure. `idempotency_key` goes out as the `Idempotency-Key` header. `private_ok`:
    the operator set the URL (the SMS provider), not a company, so it may be on a private network."""
    headers = {"Content-Type": "application/json", "User-Agent": "Check-in/1", **headers}
    if idempotency_key is not None:
        headers[IDEMPOTENCY_HEADER] = idempotency_key
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        target = urllib.parse.urlsplit(url)
        if target.scheme not in ("http", "https") or not target.hostname:
            return WebhookResult(status_code=None, duration_ms=0, error="InvalidURL")
        addresses = _addresses(target.hostname, target.port or (443 if target.scheme == "https" else 80))
        allowed = private_ok or settings.CHECKIN_WEBHOOK_ALLOW_PRIVATE
        if not allowed and not all(_is_public(a) for a in addresses):
            return WebhookResult(status_code=None, duration_ms=0, error="Blocked: not a public address")
        connection = _pinned_connection(target, addresses[0])
        try:
            path = (target.path or "/") + (f"?{target.query}" if target.query else "")
            connection.request("POST", path, body, headers)
            status = connection.getresponse().status
        finally:
            connection.close()
    except (OSError, http.client.HTTPException, ValueError) as exc:  # ValueError: a port out of range
        error = type(exc).__name__
    duration_ms = int((time.monotonic() - started) * 1000)
    if status is not None and not 200 <= status < 300:
        error = f"HTTP {status}"
    return WebhookResult(status_code=status, duration_ms=duration_ms, error=error)
