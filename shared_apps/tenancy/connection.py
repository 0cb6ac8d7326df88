"""The database connection as django-tenants' wrapper, typed, so schema switches type-check."""

from typing import cast

from django.db import connection
from django_tenants.postgresql_backend.base import DatabaseWrapper


def tenant_connection() -> DatabaseWrapper:
    return cast(DatabaseWrapper, connection)
