"""Production settings: the development defaults are refused, cookies and transport are strict."""

from django.core.exceptions import ImproperlyConfigured

from checkin.env import env_bool, env_int, env_str
from checkin.logging_config import logging_config
from checkin.settings import *  # noqa: F403
from checkin.settings import DEVELOPMENT_SECRET_KEY
from shared_apps.operations.encryption_keys import KEY_COMMAND, keys_parse

DEBUG = env_bool("DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG is on in production settings: unset DEBUG or set DEBUG=0.")
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY is unset, the development default or shorter than 50 characters: "
        "set SECRET_KEY to a long random value (python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
if any(len(key) < 50 or key == DEVELOPMENT_SECRET_KEY for key in SECRET_KEY_FALLBACKS):  # noqa: F405
    raise ImproperlyConfigured(
        "SECRET_KEY_FALLBACKS holds a key shorter than 50 characters or the development key: "
        "list only previous production keys, comma-separated."
    )
CHECKIN_ENCRYPTION_KEYS = keys_parse(env_str("CHECKIN_ENCRYPTION_KEYS"))
if not CHECKIN_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        f"CHECKIN_ENCRYPTION_KEYS is unset: set it to a Fernet key that encrypts the stored secrets ({KEY_COMMAND})."
    )
if not env_str("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL is unset: production never starts the embedded PostgreSQL.")

WHITENOISE_USE_FINDERS = False
# One JSON object per line for the log collector; LOG_FORMAT=text for people reading a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# __Host- cookies are Secure, path=/ and carry no Domain: the browser keeps them to one host.
SESSION_COOKIE_NAME = "__Host-checkin_session"
CSRF_COOKIE_NAME = "__Host-checkin_csrf"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
