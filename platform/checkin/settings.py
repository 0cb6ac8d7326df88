"""Settings for every environment, read from environment variables.

Development defaults need nothing set: an embedded PostgreSQL when
DATABASE_URL is unset, eager Celery tasks when REDIS_URL is unset, no Sentry
without SENTRY_DSN. `checkin.settings_production` tightens these for real use.
"""

from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from checkin.data_region import region_validate
from checkin.env import env_bool, env_int, env_str
from checkin.file_storage import EXPORTS, MEDIA, storage_config
from checkin.logging_config import logging_config
from checkin.mail_config import mail_settings
from shared_apps.operations.encryption_keys import development_key, keys_parse
from shared_apps.operations.redis_config import redis_config, sentinels_parse
from shared_apps.tenancy.public_links import port_validate, scheme_validate

BASE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BASE_DIR.parents[1]

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105 - refused by production settings
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# Rotation: the previous keys, comma-separated; sessions and links signed with them stay valid.
SECRET_KEY_FALLBACKS = [key for key in env_str("SECRET_KEY_FALLBACKS").split(",") if key]
# Secrets stored encrypted (shared_apps/operations/encryption.py): Fernet keys, comma-separated; the first
# encrypts, all decrypt. Development and tests derive one from SECRET_KEY; production settings require it.
CHECKIN_ENCRYPTION_KEYS = keys_parse(env_str("CHECKIN_ENCRYPTION_KEYS")) or [development_key(SECRET_KEY)]
DEBUG = env_bool("DEBUG", True)

# --- Hosts -----------------------------------------------------------------
# <root> is the IT console, <building>.<root> a reception, <company>.<root> a
# company. Anything else is refused before a schema is chosen.
CHECKIN_ROOT_DOMAIN = env_str("CHECKIN_ROOT_DOMAIN", "localhost").strip().lower()
CHECKIN_EXTRA_HOSTS = [h for h in env_str("CHECKIN_EXTRA_HOSTS").split(",") if h]  # custom company domains
ALLOWED_HOSTS = [CHECKIN_ROOT_DOMAIN, f".{CHECKIN_ROOT_DOMAIN}", *CHECKIN_EXTRA_HOSTS]
# Who may ask /internal/tls-allowed (the TLS proxy): comma-separated networks.
CHECKIN_INTERNAL_NETWORKS = [
    net.strip() for net in env_str("CHECKIN_INTERNAL_NETWORKS", "127.0.0.0/8,::1/128").split(",") if net.strip()
]
# Links in e-mails, the console and API answers (tenancy/public_links.py). Development serves plain HTTP on :8000;
# the production settings default to https and no port (they set these again: DEBUG is only read there later).
CHECKIN_PUBLIC_SCHEME = scheme_validate(env_str("CHECKIN_PUBLIC_SCHEME", "http"))
CHECKIN_PUBLIC_PORT = port_validate(env_str("CHECKIN_PUBLIC_PORT", "8000"))

# --- Database --------------------------------------------------------------
_database_url = env_str("DATABASE_URL")
if not _database_url:
    from checkin.embedded_db import embedded_database_url

    _database_url = embedded_database_url()
_database = dj_database_url.parse(_database_url, conn_max_age=env_int("CONN_MAX_AGE", 60))
DATABASES = {
    "default": {
        **_database,
        # django-tenants' backend, with the schema's role and search_path set per transaction.
        "ENGINE": "shared_apps.database.db_backend",
        # Server-side cursors cannot carry that per-transaction preamble (nor survive PgBouncer's transaction mode).
        "DISABLE_SERVER_SIDE_CURSORS": True,
        # A connection broken by a database restart is replaced at the next request instead of failing it.
        "CONN_HEALTH_CHECKS": True,
        # Server-side prepared statements for the cursors that bind server-side, which only the desk's selectors
        # open (tenant_apps/desk/selectors.py): a statement run twice on a connection is prepared, and its plan
        # kept. Django's own cursors bind client-side and are never prepared. Behind PgBouncer in transaction
        # mode they need PgBouncer 1.21+ with max_prepared_statements; CHECKIN_DB_PREPARE=0 turns them off.
        "OPTIONS": {
            **_database.get("OPTIONS", {}),
            "prepare_threshold": 1 if env_bool("CHECKIN_DB_PREPARE", True) else None,
        },
    }
}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# What DATABASE_URL points at: `postgresql` (one server) or `citus` (a Citus coordinator whose database has
# schema-based sharding on, so every company and building schema is a distributed schema: deploy/README.md,
# "Citus"). On Citus the per-schema roles can log in (the coordinator reaches the workers as the statement's role)
# and DDL is sent apart from the per-transaction preamble (shared_apps/database/db_backend/base.py).
CHECKIN_DATABASE_KIND = env_str("CHECKIN_DATABASE_KIND", "postgresql")
if CHECKIN_DATABASE_KIND not in {"postgresql", "citus"}:
    raise ValueError(f"CHECKIN_DATABASE_KIND must be postgresql or citus, not {CHECKIN_DATABASE_KIND!r}.")
# Per-schema PostgreSQL roles (shared_apps/database/db_roles.py): names start with this prefix (default: the
# database name); migrations and provisioning run as the owner role (default: the login of DATABASE_URL).
CHECKIN_DB_ROLE_PREFIX = env_str("CHECKIN_DB_ROLE_PREFIX")
CHECKIN_DB_OWNER_ROLE = env_str("CHECKIN_DB_OWNER_ROLE")
# Refuse a PostgreSQL superuser login in every process (shared_apps/database/login_guard.py): on in production.
CHECKIN_DB_REFUSE_SUPERUSER = False
# Folder of pg_dump and pg_restore for the backup commands (shared_apps/operations/backups/); empty: from PATH.
CHECKIN_PG_BIN = env_str("CHECKIN_PG_BIN")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Tenancy (django-tenants, multi-type) -----------------------------------
TENANT_MODEL = "tenancy.Tenant"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
HAS_MULTI_TYPE_TENANTS = True
MULTI_TYPE_DATABASE_FIELD = "type"

_EVERY_SCHEMA = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "shared_apps.accounts",
    # API tokens live in the schema they open: IT's in public, a company's in its own; in a reception schema
    # the (empty) table keeps a lookup from falling through to public's.
    "shared_apps.api_tokens",
]
TENANT_TYPES = {
    "public": {
        "APPS": [
            "django_tenants",
            "shared_apps.tenancy",
            "shared_apps.provisioning",  # no models: its tasks and management commands
            "shared_apps.audit",
            "shared_apps.console",
            "shared_apps.operations",
            "shared_apps.login_throttle",
            *_EVERY_SCHEMA,
            "shared_apps.console.admin_site.ITAdminConfig",  # django.contrib.admin, for IT only
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "rest_framework",
            "drf_spectacular",
        ],
        "URLCONF": "checkin.urls_public",
    },
    "reception": {
        "APPS": [*_EVERY_SCHEMA, "tenant_apps.desk", "tenant_apps.kiosk"],
        "URLCONF": "checkin.urls_reception",
    },
    "company": {
        "APPS": [
            *_EVERY_SCHEMA,
            "tenant_apps.visits",
            "tenant_apps.parcels",
            "tenant_apps.notifications",
            "tenant_apps.privacy",
            "tenant_apps.api",
            "tenant_apps.scim",
            "tenant_apps.sso",
            "drf_spectacular_sidecar",  # Swagger UI's files for /api/v1/docs/, served locally (no CDN)
        ],
        "URLCONF": "checkin.urls_company",
    },
}
INSTALLED_APPS: list[str] = []
for _config in TENANT_TYPES.values():
    INSTALLED_APPS += [app for app in _config["APPS"] if app not in INSTALLED_APPS]
INSTALLED_APPS.append("checkin")  # templates and translations of the project itself

# Schemas that new tenants are cloned from (see shared_apps/database/schema_clone.py).
CHECKIN_TEMPLATE_SCHEMAS = {"company": "_template_company", "reception": "_template_reception"}
# Clones of each template made ahead of time; provisioning renames one (shared_apps/database/spare_schemas.py).
CHECKIN_SPARE_SCHEMAS = env_int("CHECKIN_SPARE_SCHEMAS", 3)
# Seconds a web process remembers what nearly every request reads and rarely changes: which tenant serves a host,
# a kiosk's device and documents, a building's companies, a company's settings (shared_apps/database/brief_memory.py);
# 0 turns it off.
CHECKIN_HOST_CACHE_SECONDS = env_int("CHECKIN_HOST_CACHE_SECONDS", 5)
# A removed company's schema is dropped this many days later (`drop_removed_companies`).
CHECKIN_REMOVAL_GRACE_DAYS = env_int("CHECKIN_REMOVAL_GRACE_DAYS", 30)
# Days a visitor's own privacy link (e-mails, badge) stays valid: tenant_apps/visits/person_links.py.
CHECKIN_PERSON_LINK_DAYS = env_int("CHECKIN_PERSON_LINK_DAYS", 90)

# migrate_schemas over the fleet: parallel worker processes, recycled (shared_apps/database/migration_executor.py),
# wrapped so that buildings whose desk read model is new get their companies' rows copied once every schema has
# migrated (shared_apps/provisioning/migration_executor.py), and timed for the metrics.
GET_EXECUTOR_FUNCTION = "shared_apps.provisioning.migration_executor.executor_for_migrate_schemas"
TENANT_MULTIPROCESSING_MAX_PROCESSES = env_int("TENANT_MULTIPROCESSING_MAX_PROCESSES", 4)
TENANT_MULTIPROCESSING_CHUNKS = env_int("TENANT_MULTIPROCESSING_CHUNKS", 10)
TENANT_MULTIPROCESSING_MAX_TASKS_PER_CHILD = env_int("TENANT_MULTIPROCESSING_MAX_TASKS_PER_CHILD", 20)
CHECKIN_MIGRATION_PARALLEL_MIN_SCHEMAS = env_int("CHECKIN_MIGRATION_PARALLEL_MIN_SCHEMAS", 20)

ROOT_URLCONF = "checkin.urls_public"

MIDDLEWARE = [
    # First: every request gets its id and context before anything can log or fail.
    "shared_apps.operations.request_context.RequestContextMiddleware",
    "shared_apps.operations.metrics_endpoint.MetricsMiddleware",
    "checkin.health.HealthMiddleware",
    "checkin.security_headers.SecurityHeadersMiddleware",
    "shared_apps.operations.tls_ask.TlsAskMiddleware",
    # Static files are the same on every host and must load without the database (the 503 page uses them).
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shared_apps.tenancy.middleware.TenantHostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shared_apps.accounts.session_timeout.SessionTimeoutMiddleware",
    "shared_apps.accounts.two_factor_gate.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # `Deprecation: true` on answers to the old `Authorization: Token <key>` header (shared_apps/api_tokens).
    "shared_apps.api_tokens.authentication.DeprecatedHeaderMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shared_apps.tenancy.context_processors.tenant",
            ],
        },
    },
]

WSGI_APPLICATION = "checkin.wsgi.application"
ASGI_APPLICATION = "checkin.asgi.application"
# Bodies past this answer 413 (shared_apps.operations.errors.bad_request) before a view reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# Files are not counted above: bodies with files past this answer 413 before they are read (uploads.py).
CHECKIN_UPLOAD_MAX_BYTES = env_int("CHECKIN_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "shared_apps.operations.uploads.UploadSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Accounts and sessions ---------------------------------------------------
# Each schema has its own users and sessions; cookies are host-only (no
# *_COOKIE_DOMAIN), so a session from one host is worthless on another.
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_NAME = "checkin_session"
CSRF_COOKIE_NAME = "checkin_csrf"
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("CHECKIN_SESSION_MAX_HOURS", 12) * 3600
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # invitation and reset links
# A session ends after this much inactivity (the desk is a shared counter) or after its absolute lifetime.
CHECKIN_SESSION_IDLE_SECONDS = {
    "reception": env_int("CHECKIN_DESK_IDLE_MINUTES", 30) * 60,
    "default": env_int("CHECKIN_IDLE_MINUTES", 120) * 60,
}
CHECKIN_SESSION_MAX_SECONDS = SESSION_COOKIE_AGE
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Failed sign-ins (passwords and second-factor codes), counted for the whole platform in public.login_throttle:
# an e-mail address is locked after this many failures on any host within the window, a client address after more.
CHECKIN_LOGIN_ACCOUNT_FAILURES = env_int("CHECKIN_LOGIN_ACCOUNT_FAILURES", 5)
CHECKIN_LOGIN_IP_FAILURES = env_int("CHECKIN_LOGIN_IP_FAILURES", 50)
CHECKIN_LOGIN_WINDOW_SECONDS = env_int("CHECKIN_LOGIN_WINDOW_MINUTES", 15) * 60
CHECKIN_LOGIN_LOCKOUT_SECONDS = env_int("CHECKIN_LOGIN_LOCKOUT_MINUTES", 15) * 60
# The client's address is taken from X-Forwarded-For only when the request comes from one of these networks
# (the TLS proxy); otherwise every client would share the proxy's address.
CHECKIN_TRUSTED_PROXIES = [
    net.strip() for net in env_str("CHECKIN_TRUSTED_PROXIES", "127.0.0.0/8,::1/128").split(",") if net.strip()
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Cache: keys carry the schema so no tenant reads another's entries -------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}

# --- Languages ----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("fr", _("French")), ("nl", _("Dutch")), ("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Belgian formats in every language, English included: 6 December 2026, 06-12-2026 14:30 (checkin/formats).
FORMAT_MODULE_PATH = ["checkin.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Brussels"

# --- Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(PROJECT_ROOT / ".data" / "static")))
# Uploaded files (company and kiosk logos): under .data/ in development, never the working directory.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(PROJECT_ROOT / ".data" / "media")))
# Uploaded logos and parcel label photos: a folder every web and worker process mounts, or a private bucket
# (checkin/file_storage.py); served by the application's views, never at a public URL.
CHECKIN_MEDIA_STORAGE = env_str("CHECKIN_MEDIA_STORAGE", "filesystem")
STORAGES: dict[str, dict[str, Any]] = {
    "default": storage_config(MEDIA, CHECKIN_MEDIA_STORAGE, default_root=MEDIA_ROOT),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail -----------------------------------------------------------------------
# EMAIL_URL or EMAIL_HOST/PORT/...: SMTP (checkin/mail_config.py); neither set: printed to the console.
_mail = mail_settings(default_backend="django.core.mail.backends.console.EmailBackend")
EMAIL_BACKEND = _mail.backend
EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _mail.host, _mail.port, _mail.user, _mail.password
EMAIL_USE_TLS, EMAIL_USE_SSL, EMAIL_TIMEOUT = _mail.use_tls, _mail.use_ssl, _mail.timeout
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or None  # with EMAIL_BACKEND=...filebased.EmailBackend (tests)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Check-in <no-reply@{CHECKIN_ROOT_DOMAIN}>")

# --- Celery: without a broker, tasks run in-process ------------------------------
REDIS_URL = env_str("REDIS_URL")
# One Redis, or its master found through Sentinel (shared_apps/operations/redis_config.py).
CHECKIN_REDIS_SENTINELS = sentinels_parse(env_str("CHECKIN_REDIS_SENTINELS"))
CHECKIN_REDIS_SENTINEL_MASTER = env_str("CHECKIN_REDIS_SENTINEL_MASTER")
CHECKIN_REDIS_SENTINEL_PASSWORD = env_str("CHECKIN_REDIS_SENTINEL_PASSWORD")
_redis = redis_config(
    url=REDIS_URL,
    sentinels=CHECKIN_REDIS_SENTINELS,
    master=CHECKIN_REDIS_SENTINEL_MASTER,
    sentinel_password=CHECKIN_REDIS_SENTINEL_PASSWORD,
)
CELERY_BROKER_URL = _redis.celery_url or "memory://"
# Nothing reads task results: none are stored (a sender would otherwise write to Redis, and wait on it, for
# each task). A task whose result is read says so itself (`ignore_result=False`); the backend is there for it.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = _redis.celery_url or None
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = _redis.transport_options
# The longest task may run this long (exports of a large company); a message a worker took and never
# acknowledged (the worker lost) goes back to the queue after the visibility timeout, set just above it so
# that a running task is never handed to a second worker.
CHECKIN_TASK_TIME_LIMIT_SECONDS = env_int("CHECKIN_TASK_TIME_LIMIT_SECONDS", 900)
CELERY_TASK_TIME_LIMIT = CHECKIN_TASK_TIME_LIMIT_SECONDS
# The worker rides out Redis restarts, freezes and a full memory: it reconnects for ever (at start too),
# notices a dead or frozen connection within seconds (socket timeouts, keep-alive, a health check).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Redis full refuses even the acknowledgement of a finished task (OOM inside its MULTI), which kombu counts as a
# channel error, not a connection error: without this the worker's main process stops ("Unrecoverable error").
# With it the consumer reconnects; the message it could not acknowledge comes back and is not done twice
# (a delivery is sent once, by its idempotency key; the other tasks are safe to repeat).
CELERY_BROKER_CHANNEL_ERROR_RETRY = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **_redis.transport_options,
    "visibility_timeout": CHECKIN_TASK_TIME_LIMIT_SECONDS + 60,
    "socket_connect_timeout": 5,
    "socket_timeout": 30,  # above the 1 s BRPOP wait of the worker
    "socket_keepalive": True,
    "health_check_interval": 10,
    "retry_on_timeout": True,
}
# Celery's Django fixup closes the database connections before and after every task unless this is set (Celery 5.6
# reverted its use of CONN_MAX_AGE): a new PostgreSQL session for each delivery. Set beyond reach, it never closes
# them; shared_apps/database/connection.py closes what a request would close instead (failed, older than
# CONN_MAX_AGE), so a worker child keeps one connection, as a web worker does. Children still start afresh.
CELERY_DB_REUSE_MAX = 2**62
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Beat's memory of when each entry last ran: on a volume that outlives the process (deploy/README.md), or a
# restart forgets it and the hourly and daily entries start counting again.
CELERY_BEAT_SCHEDULE_FILENAME = env_str(
    "CHECKIN_BEAT_SCHEDULE_FILE", str(PROJECT_ROOT / ".data" / "celerybeat-schedule")
)
CELERY_BEAT_SCHEDULE = {
    # Each building closes its forgotten visits at its own local time; the task checks every 5 minutes.
    "kiosk-auto-checkout": {"task": "tenant_apps.kiosk.tasks.kiosk_auto_checkout", "schedule": 300.0},
    # Each building's block-list entries are deleted when they expire (tenant_apps/kiosk/block_list.py).
    "block-list-purge": {"task": "kiosk.block_list_purge_all", "schedule": crontab(hour=2, minute=45)},
    # Daily work at a calendar time: an interval would restart from every rollout and might never come due.
    "drop-removed-company-schemas": {
        "task": "provisioning.drop_removed_company_schemas",
        "schedule": crontab(hour=3, minute=30),
    },
    "spare-schemas-refill": {"task": "provisioning.spare_schemas_refill", "schedule": 3600},
    # Rate limits count in public.rate_counter, one row per key and window: the windows that are over go.
    "rate-counters-prune": {"task": "login_throttle.rate_counters_prune", "schedule": 3600},
    # Notifications the broker could not take (Redis down) are handed over again once it is back.
    "notifications-outbox": {"task": "notifications.outbox_sweep_all", "schedule": 60.0},
}

# --- Privacy: retention bounds, purge, exports (tenant_apps/privacy) ---------------
CHECKIN_RETENTION_MIN_DAYS = env_int("CHECKIN_RETENTION_MIN_DAYS", 1)
CHECKIN_RETENTION_MAX_DAYS = env_int("CHECKIN_RETENTION_MAX_DAYS", 3650)
CHECKIN_PURGE_WARNING_DAYS = env_int("CHECKIN_PURGE_WARNING_DAYS", 14)
CHECKIN_PURGE_BATCH_SIZE = env_int("CHECKIN_PURGE_BATCH_SIZE", 5000)
CHECKIN_EXPORT_EXPIRY_DAYS = env_int("CHECKIN_EXPORT_EXPIRY_DAYS", 7)
# An export whose worker was killed is written again, this many attempts in all, then marked failed; one left
# running this long with nobody writing it (its worker gone for good) is marked failed by the hourly clean-up.
CHECKIN_EXPORT_MAX_ATTEMPTS = env_int("CHECKIN_EXPORT_MAX_ATTEMPTS", 3)
CHECKIN_EXPORT_STALE_MINUTES = env_int("CHECKIN_EXPORT_STALE_MINUTES", 30)
# Keyed hash of suppressed e-mails (tenant_apps/privacy/subjects.py), apart from SECRET_KEY so that rotating that
# one forgets no objection. To rotate this one, list the previous keys in the fallbacks, comma-separated: objections
# hashed with them are still found (production refuses to start without a key of its own).
CHECKIN_SUPPRESSION_KEY = env_str("CHECKIN_SUPPRESSION_KEY", SECRET_KEY)
CHECKIN_SUPPRESSION_KEY_FALLBACKS = [key for key in env_str("CHECKIN_SUPPRESSION_KEY_FALLBACKS").split(",") if key]
# Exports never live under a public URL: a private folder by default, a private bucket with =s3.
# Shared by web (downloads) and worker (writes): a folder both mount, or a private bucket (checkin/export_storage.py).
CHECKIN_EXPORT_STORAGE = env_str("CHECKIN_EXPORT_STORAGE", "filesystem")
STORAGES["exports"] = storage_config(EXPORTS, CHECKIN_EXPORT_STORAGE, default_root=PROJECT_ROOT / ".data" / "exports")

CELERY_BEAT_SCHEDULE |= {
    "privacy-purge-notices": {"task": "privacy.purge_notices_all", "schedule": crontab(hour=2, minute=30)},
    "privacy-purge": {"task": "privacy.purge_all", "schedule": crontab(hour=3, minute=0)},
    "privacy-expire-exports": {"task": "privacy.exports_expire_all", "schedule": crontab(minute=15)},
    # Exports and purges a lost worker cut short are sent again within minutes (tenant_apps/privacy/resume.py).
    "privacy-resume": {"task": "privacy.resume_all", "schedule": 60.0},
}

# --- Logs: sign-in records (every schema) and the audit log (public); shared_apps/accounts/log_upkeep.py --------
CHECKIN_SIGNIN_RECORD_DAYS = env_int("CHECKIN_SIGNIN_RECORD_DAYS", 365)
CHECKIN_AUDIT_RETENTION_DAYS = env_int("CHECKIN_AUDIT_RETENTION_DAYS", 730)
CHECKIN_LOG_IP_PSEUDONYMISE_DAYS = env_int("CHECKIN_LOG_IP_PSEUDONYMISE_DAYS", 90)
CELERY_BEAT_SCHEDULE |= {
    # After the purge (03:00): addresses truncated, old sign-in records and audit entries deleted, in every schema.
    "accounts-log-upkeep": {"task": "accounts.log_upkeep_all", "schedule": crontab(hour=3, minute=45)},
}

# --- REST framework ----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Never HTTP Basic: a password sent to the API would skip the login throttle and the second factor.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    # The APIs take JSON bodies only (multipart where a file is uploaded, see the provisioning API): a
    # cross-site HTML form cannot post to them at all, and an empty field is never read as a missing one.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "checkin.api_errors.exception_handler",
}
# Company webhooks may only reach public addresses, so an admin cannot make the server call its own network.
CHECKIN_WEBHOOK_ALLOW_PRIVATE = env_bool("CHECKIN_WEBHOOK_ALLOW_PRIVATE", False)
# Text messages to hosts (tenant_apps/notifications/sms.py): `disabled`, or `http` (a JSON POST with a bearer token to
# CHECKIN_SMS_URL). The provider must process data in the EU/EEA under a data processing agreement (deploy/README.md).
CHECKIN_SMS_PROVIDER = env_str("CHECKIN_SMS_PROVIDER", "disabled")
CHECKIN_SMS_URL = env_str("CHECKIN_SMS_URL")
CHECKIN_SMS_TOKEN = env_str("CHECKIN_SMS_TOKEN")
CHECKIN_SMS_SENDER = env_str("CHECKIN_SMS_SENDER", "Check-in")  # the sender name shown on the phone, if allowed
# A company's identity provider at a plain http:// URL (a local provider in development and tests); production refuses.
CHECKIN_SSO_ALLOW_HTTP = env_bool("CHECKIN_SSO_ALLOW_HTTP", DEBUG)
# A delivery handed to the broker (or claimed by a worker) this long ago and still not sent is handed over
# again by the outbox sweep, and its claim taken over: above the deliver task's time limit (180 s).
CHECKIN_DELIVERY_TIMEOUT_SECONDS = env_int("CHECKIN_DELIVERY_TIMEOUT_SECONDS", 300)

SPECTACULAR_SETTINGS = {
    "TITLE": "Check-in company API",
    "DESCRIPTION": "A company's visitors, visits and hosts, on the company's own host. "
    "Authenticate with `Authorization: Bearer <token>` (tokens are made by company admins at /api/v1/tokens/). "
    "`Authorization: Token <token>` is deprecated: it still works, and answers to it carry `Deprecation: true`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get their own components, so they say what a write needs (no read-only fields,
    # no empty string where a value is required).
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "checkin.openapi.empty_query_values",
        "checkin.openapi.error_responses",
        "checkin.openapi.operation_links",
    ],
    # The status a company can be set to (active, suspended) is a smaller choice than the status it can have.
    # One name for the set of languages, whichever field offers it (a visitor's, a kiosk's, an invitation's).
    "ENUM_NAME_OVERRIDES": {
        "CompanyStatusChangeEnum": ["active", "suspended"],
        "LanguageEnum": [code for code, _name in LANGUAGES],
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging: one line per event with the request id and tenant, never personal data -----------
LOG_FORMAT = env_str("LOG_FORMAT", "text")  # json in production settings
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)

# --- Metrics (Prometheus): /metrics is off until one of the first two is set (deploy/README.md) ---------------
CHECKIN_METRICS_TOKEN = env_str("CHECKIN_METRICS_TOKEN")  # the scraper sends `Authorization: Bearer <token>`
CHECKIN_METRICS_NETWORKS = [
    net.strip() for net in env_str("CHECKIN_METRICS_NETWORKS").split(",") if net.strip()
]  # the scraper connects from one of these, not through the proxy
CHECKIN_WORKER_METRICS_PORT = env_int("CHECKIN_WORKER_METRICS_PORT", 0)  # the Celery worker's own /metrics; 0: none
CHECKIN_WORKER_METRICS_ADDRESS = env_str("CHECKIN_WORKER_METRICS_ADDRESS", "0.0.0.0")  # noqa: S104 - a pod's port
CELERY_BEAT_SCHEDULE |= {
    # Pending and failed deliveries of all companies, for checkin_deliveries_pending / _failed.
    "notifications-backlog-measure": {"task": "notifications.backlog_measure_all", "schedule": 60.0},
}

# --- Sentry: only with a DSN, and never with personal data ------------------------
# Initialised when the apps are ready (checkin/apps.py), after the production settings set their own defaults.
SENTRY_DSN = env_str("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "development")
SENTRY_RELEASE = env_str("SENTRY_RELEASE") or env_str("CHECKIN_VERSION")
# Where data may go (checkin/data_region.py): check --deploy warns when Sentry or the export bucket is elsewhere.
CHECKIN_DATA_REGION = region_validate(env_str("CHECKIN_DATA_REGION", "eu"))
