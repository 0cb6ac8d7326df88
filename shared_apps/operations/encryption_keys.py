"""The keys of CHECKIN_ENCRYPTION_KEYS, read by the settings: this module imports nothing of Django's models."""

import base64
import hashlib

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

KEY_COMMAND = "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"


def development_key(secret_key: str) -> str:
    """The key used when CHECKIN_ENCRYPTION_KEYS is unset (development, tests); production refuses it."""
    digest = hashlib.sha256(b"checkin-encryption-at-rest:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def keys_parse(raw: str) -> list[str]:
    """The comma-separated keys of CHECKIN_ENCRYPTION_KEYS, each checked to be a Fernet key."""
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"CHECKIN_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 url-safe base64-encoded bytes); "
                f"make one with: {KEY_COMMAND}"
            ) from None
    return keys
