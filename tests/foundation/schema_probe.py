"""A Celery task that reports the schema it ran in; the worker test loads it with --include."""

from checkin.celery import app
from shared_apps.accounts.models import User
from shared_apps.tenancy.connection import tenant_connection


@app.task
def schema_probe() -> tuple[str, list[str]]:
    return tenant_connection().schema_name, sorted(User.objects.values_list("email", flat=True))
