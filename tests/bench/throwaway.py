"""A throw-away database for a benchmark: made on DATABASE_URL's server, migrated, dropped on the way out.

Provisioning gives each schema a PostgreSQL role, and roles belong to the cluster, not the
database: they are dropped first, from inside the database, or every run would leave
hundreds behind. Every script under tests/bench/ that needs a database uses this.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def throwaway_database(prefix: str = "checkin_bench") -> Iterator[str]:
    """Set Django up on a new database `<prefix>_<random>`, run migrate_schemas, yield its name, then drop it."""
    import django
    from django.conf import settings

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    real = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"]["NAME"] = name
    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        call_command("migrate_schemas", interactive=False, verbosity=0)
        yield name
    finally:
        from shared_apps.database.db_roles import role_prefix, roles_drop_with_prefix

        try:
            roles_drop_with_prefix(role_prefix())
        finally:
            connections.close_all()
            settings.DATABASES["default"]["NAME"] = real
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
