"""Time-based one-time passwords (RFC 6238 over RFC 4226): SHA-1, 30-second steps, 6 digits, as authenticator
apps expect by default."""

import base64
import hashlib
import hmac
import secrets
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps accepted either side of now: a phone's clock a little off, a code typed just as it changed


def secret_new() -> str:
    """160 random bits in base32, the size RFC 4226 recommends."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def step_at(timestamp: float | None = None) -> int:
    return int((time.time() if timestamp is None else timestamp) // STEP_SECONDS)


def code_at(secret: str, step: int, digits: int = DIGITS) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, step.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def matching_step(secret: str, code: str, timestamp: float | None = None) -> int | None:
    """The step within the window whose code is `code`, or None. The caller refuses steps already used."""
    now = step_at(timestamp)
    for step in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


def secret_for_reading(secret: str) -> str:
    """The secret in groups of four, as apps ask for it to be typed."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
