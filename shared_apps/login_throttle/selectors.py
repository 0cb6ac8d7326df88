"""Reads of the platform-wide login throttle (see services.py)."""

import datetime as dt

from django.db import connection
from django.utils import timezone

from shared_apps.login_throttle.keys import TABLE, throttle_keys


def login_locked(*, email: str | None, ip: str, now: dt.datetime | None = None) -> bool:
    """Whether sign-ins for this e-mail address, or from this address, are refused for now."""
    keys = [key for key, _limit in throttle_keys(email=email, ip=ip)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {TABLE} WHERE key = ANY(%s) AND locked_until > %s LIMIT 1", [keys, now or timezone.now()]
        )
        return cursor.fetchone() is not None
