"""Settings for every environment, read from environment variables.

Development defaults need nothing set: an embedded PostgreSQL when
DATABASE_URL is unset, eager Celery tasks when REDIS_URL is unset, no Sentry
without SENTRY_DSN. `checkin.settings_production` tightens these for real use.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from checkin.env import env_bool, env_int, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BASE_DIR.parents[1]

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105 - refused by production settings
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# Rotation: the previous keys, comma-separated; sessions and links signed with them stay valid.
SECRET_KEY_FALLBACKS = [key for key in env_str("SECRET_KEY_FALLBACKS").split(",") if key]
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
CHECKIN_PUBLIC_PORT = env_str("CHECKIN_PUBLIC_PORT", "8000" if DEBUG else "")
CHECKIN_URL_SCHEME = env_str("CHECKIN_URL_SCHEME", "http" if DEBUG else "https")

# --- Database --------------------------------------------------------------
_database_url = env_str("DATABASE_URL")
if not _database_url:
    from checkin.embedded_db import embedded_database_url

    _database_url = embedded_database_url()
DATABASES = {
    "default": {
        **dj_database_url.parse(_database_url, conn_max_age=env_int("CONN_MAX_AGE", 60)),
        # django-tenants' backend switches the search_path per request.
        "ENGINE": "django_tenants.postgresql_backend",
        # A connection broken by a database restart is replaced at the next request instead of failing it.
        "CONN_HEALTH_CHECKS": True,
    }
}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
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
]
TENANT_TYPES = {
    "public": {
        "APPS": [
            "django_tenants",
            "shared_apps.tenancy",
            "shared_apps.audit",
            "shared_apps.console",
            "shared_apps.operations",
            *_EVERY_SCHEMA,
            "django.contrib.admin",
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
            "tenant_apps.notifications",
            "tenant_apps.privacy",
            "tenant_apps.api",
        ],
        "URLCONF": "checkin.urls_company",
    },
}
INSTALLED_APPS: list[str] = []
for _config in TENANT_TYPES.values():
    INSTALLED_APPS += [app for app in _config["APPS"] if app not in INSTALLED_APPS]
INSTALLED_APPS.append("checkin")  # templates and translations of the project itself

# Schemas that new tenants are cloned from (see shared_apps/tenancy/schema_clone.py).
CHECKIN_TEMPLATE_SCHEMAS = {"company": "_template_company", "reception": "_template_reception"}

ROOT_URLCONF = "checkin.urls_public"

MIDDLEWARE = [
    "checkin.health.HealthMiddleware",
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
    "django.contrib.messages.middleware.MessageMiddleware",
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
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # invitation and reset links
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Brussels"

# --- Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(PROJECT_ROOT / ".data" / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail -----------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Check-in <no-reply@{CHECKIN_ROOT_DOMAIN}>")

# --- Celery: without a broker, tasks run in-process ------------------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

# --- REST framework ----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}

# --- Logging: one line per event with the schema, never personal data -----------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant_context": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "tenant": {"format": "%(asctime)s %(levelname)s [%(schema_name)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["tenant_context"], "formatter": "tenant"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Sentry: only with a DSN, and never with personal data ------------------------
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from checkin.sentry import init_sentry

    init_sentry(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"))
