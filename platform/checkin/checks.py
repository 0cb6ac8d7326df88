"""Check-in's own `manage.py check --deploy` checks: what the production settings cannot see at import.

The settings refuse what they can read from the environment; these also look at
the database login and the final settings, whatever settings module is in use.
"""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError, connection

from checkin.data_region import s3_outside, sentry_outside
from checkin.file_storage import EXPORTS, MEDIA, storage_refusal
from shared_apps.database.login_guard import superuser_login

CONSOLE_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security, deploy=True)
def database_login_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A superuser login may `RESET ROLE` and read every company: the per-schema roles would protect nothing."""
    try:
        with connection.cursor() as cursor:
            login = superuser_login(cursor)
    except DatabaseError as error:
        reason = " ".join(str(error).split())[:200]
        return [Warning(f"Could not ask the database whether its login is a superuser: {reason}", id="checkin.W001")]
    if login is not None:
        return [
            Error(
                f"DATABASE_URL logs in as {login}, a PostgreSQL superuser: it can read every company.",
                hint="Log in as the guide's application role (NOSUPERUSER NOINHERIT, member of the owner role); "
                "see deploy/README.md, Database roles.",
                id="checkin.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def mail_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.EMAIL_BACKEND in CONSOLE_BACKENDS:
        return [
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: invitations and privacy e-mails are never delivered.",
                hint="Set EMAIL_URL (smtp://user:password@relay:587?tls=1) or EMAIL_HOST.",
                id="checkin.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def export_storage_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    refusals = (
        storage_refusal(place, settings.STORAGES[name], package_root=settings.PROJECT_ROOT)
        for place, name in ((EXPORTS, "exports"), (MEDIA, "default"))
    )
    return [Error(refusal, id="checkin.E003") for refusal in refusals if refusal]


@register(Tags.security, deploy=True)
def suppression_key_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.CHECKIN_SUPPRESSION_KEY in {settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS}:
        return [
            Warning(
                "CHECKIN_SUPPRESSION_KEY is a SECRET_KEY: rotating SECRET_KEY would forget every objection.",
                hint="Set CHECKIN_SUPPRESSION_KEY to a key of its own, with the old value in "
                "CHECKIN_SUPPRESSION_KEY_FALLBACKS until no objection hashed with it is left.",
                id="checkin.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def public_links_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.CHECKIN_PUBLIC_SCHEME != "https":
        return [
            Warning(
                "CHECKIN_PUBLIC_SCHEME is not https: invitation and reset links would travel in plain text.",
                hint="Unset CHECKIN_PUBLIC_SCHEME (https is the production default).",
                id="checkin.W003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def data_region_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Error reports, exports and media stay in the region the operator declares (deploy/DATA_PROTECTION.md)."""
    region = settings.CHECKIN_DATA_REGION
    found: list[CheckMessage] = []
    sentry = sentry_outside(settings.SENTRY_DSN, region)
    if sentry:
        found.append(Warning(sentry, hint="Or declare CHECKIN_DATA_REGION=none.", id="checkin.W010"))
    for place, name in ((EXPORTS, "exports"), (MEDIA, "default")):
        storage = settings.STORAGES[name]
        if storage["BACKEND"].startswith("storages."):
            options = storage["OPTIONS"]
            bucket = s3_outside(
                endpoint_url=options["endpoint_url"] or "",
                region_name=options["region_name"] or "",
                region=region,
                prefix=place.s3_prefix,
            )
            if bucket:
                found.append(Warning(bucket, hint="Or declare CHECKIN_DATA_REGION=none.", id="checkin.W011"))
    return found
