"""API token keys: made once from 256 random bits, stored only as their SHA-256."""

import hashlib
import secrets

KEY_PREFIX = "ck_"
PREFIX_LENGTH = 10  # "ck_" and 7 characters, shown in the token lists to tell keys apart


def api_key_new() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def api_key_hash(key: str) -> str:
    """A fast hash is enough: the key is random and long, so there is nothing to guess from it.

    Keys made before the two token tables became one (IT secrets without `ck_`) hash the same way."""
    return hashlib.sha256(key.encode()).hexdigest()
