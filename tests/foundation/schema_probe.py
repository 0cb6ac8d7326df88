"""A Celery task that reports the schema it ran in; the worker test loads it with --include."""

import json

import redis
from django.conf import settings

from checkin.celery import app
from shared_apps.accounts.models import User
from shared_apps.database.connection import tenant_connection


def _seen() -> tuple[str, list[str]]:
    return tenant_connection().schema_name, sorted(User.objects.values_list("email", flat=True))


@app.task(ignore_result=False)  # the test reads its result (the settings ignore results by default)
def schema_probe() -> tuple[str, list[str]]:
    return _seen()


@app.task
def schema_note(key: str) -> None:
    """What `schema_probe` returns, written under `key` in Redis: for a test of a send that gives no result."""
    redis.Redis.from_url(settings.REDIS_URL).set(key, json.dumps(_seen()), ex=300)


@app.task(ignore_result=False)  # the test reads its result (the settings ignore results by default)
def role_probe() -> tuple[str, str]:
    """The role the task's statements run as, and what reading another company's table gives."""
    from django.db import DatabaseError, connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        role = cursor.fetchone()[0]
        try:
            with transaction.atomic():
                cursor.execute("SELECT count(*) FROM globex.visits_visit")
            other = "readable"
        except DatabaseError as error:
            other = str(error).splitlines()[0]
    return role, other
