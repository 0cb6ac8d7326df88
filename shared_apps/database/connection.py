"""The database connection as our django-tenants wrapper, typed, so schema switches type-check."""

from typing import cast

from django.db import connection

from shared_apps.database.db_backend.base import DatabaseWrapper


def tenant_connection() -> DatabaseWrapper:
    return cast(DatabaseWrapper, connection)
