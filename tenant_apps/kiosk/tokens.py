"""Device tokens and pairing codes: how they are made and how a token is stored."""

import hashlib
import secrets

from tenant_apps.visits.models import CODE_ALPHABET

PAIRING_CODE_LENGTH = 6


def device_token_new() -> str:
    """A long random secret for the tablet's cookie (256 bits)."""
    return secrets.token_urlsafe(32)


def device_token_hash(token: str) -> str:
    """What the database keeps: a leaked table does not let anyone act as a kiosk."""
    return hashlib.sha256(token.encode()).hexdigest()


def pairing_code_new() -> str:
    """A short code that desk staff read out and the tablet types, e.g. `K7P-Q2M`."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(PAIRING_CODE_LENGTH))


def code_normalise(raw: str) -> str:
    """Uppercase with separators removed, so `k7p-q2m` and `K7P Q2M` match. A scanned URL keeps its last part."""
    text = raw.strip().rstrip("/").rsplit("/", 1)[-1].rsplit("=", 1)[-1]
    return "".join(ch for ch in text.upper() if ch.isalnum())[:32]
