"""Production settings: complete or refusing to start, with one line saying what to set.

The development defaults are refused, cookies and transport are strict, links
are https without a port, e-mail goes through SMTP, exports live in a storage
web and worker share, objections have a key of their own.
"""

import os

from django.core.exceptions import ImproperlyConfigured

# Before the base settings are imported: without DATABASE_URL they would start an embedded PostgreSQL.
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is unset: set it to the application's login, e.g. postgresql://checkin_app:...@db:5432/checkin "
        "(production never starts the embedded PostgreSQL)."
    )

from checkin.env import env_bool, env_int, env_str
from checkin.file_storage import EXPORTS, MEDIA, storage_refusal
from checkin.logging_config import logging_config
from checkin.mail_config import SMTP_BACKEND, mail_settings
from checkin.settings import *  # noqa: F403
from checkin.settings import DEVELOPMENT_SECRET_KEY, PROJECT_ROOT
from shared_apps.operations.encryption_keys import KEY_COMMAND, keys_parse
from shared_apps.tenancy.public_links import port_validate, scheme_validate

DEBUG = env_bool("DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG is on in production settings: unset DEBUG or set DEBUG=0.")
# An identity provider's discovery, token and keys travel over TLS only (tenant_apps/sso/discovery.py).
CHECKIN_SSO_ALLOW_HTTP = False
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

# --- Links: https on the default port, as users reach the proxy ---------------------
CHECKIN_PUBLIC_SCHEME = scheme_validate(env_str("CHECKIN_PUBLIC_SCHEME", "https"))
CHECKIN_PUBLIC_PORT = port_validate(env_str("CHECKIN_PUBLIC_PORT", ""))

# --- E-mail: a relay that delivers, never the log --------------------------------------
_REFUSED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "writes every message, with its addresses, to the log",
    "django.core.mail.backends.locmem.EmailBackend": "keeps messages in memory and sends nothing",
    "django.core.mail.backends.dummy.EmailBackend": "sends nothing",
}
_mail = mail_settings(default_backend=SMTP_BACKEND)
if _mail.backend in _REFUSED_EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND={_mail.backend} {_REFUSED_EMAIL_BACKENDS[_mail.backend]}: unset it and set EMAIL_URL "
        "(smtp://user:password@relay:587?tls=1) or EMAIL_HOST."
    )
if _mail.backend == SMTP_BACKEND and not _mail.host:
    raise ImproperlyConfigured("No mail relay: set EMAIL_URL (smtp://user:password@relay:587?tls=1) or EMAIL_HOST.")
EMAIL_BACKEND = _mail.backend
EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _mail.host, _mail.port, _mail.user, _mail.password
EMAIL_USE_TLS, EMAIL_USE_SSL, EMAIL_TIMEOUT = _mail.use_tls, _mail.use_ssl, _mail.timeout

# --- Objections: a key of their own, so rotating SECRET_KEY forgets none ------------------
CHECKIN_SUPPRESSION_KEY = env_str("CHECKIN_SUPPRESSION_KEY")
if len(CHECKIN_SUPPRESSION_KEY) < 32:
    raise ImproperlyConfigured(
        "CHECKIN_SUPPRESSION_KEY is unset or shorter than 32 characters: set it to a long random value and keep it "
        "(it keys the hashes of objected e-mail addresses; an installation that used SECRET_KEY sets that value)."
    )

# --- Exports and media: storages every web and worker process reaches ----------------------
for _place, _name in ((EXPORTS, "exports"), (MEDIA, "default")):
    _refusal = storage_refusal(_place, STORAGES[_name], package_root=PROJECT_ROOT)  # noqa: F405
    if _refusal:
        raise ImproperlyConfigured(_refusal)

# --- The database login: never a superuser, refused by every process at its first connection ------------
# (shared_apps/database/login_guard.py). CHECKIN_DB_ALLOW_SUPERUSER=1 is for the test suite's processes on its own
# superuser login; the image's entrypoint still refuses it through `check --deploy` (checkin.E001).
CHECKIN_DB_REFUSE_SUPERUSER = not env_bool("CHECKIN_DB_ALLOW_SUPERUSER", False)

# --- Sentry: named for what it is --------------------------------------------------------
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "production")

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
