"""Django's `migrate` for one schema, stepping around the desk views only when they block a migration.

Settings name this class in django-tenants' TENANT_BASE_MIGRATE_COMMAND, so
every executor (the fleet executor's per-schema fallback, `multiprocessing`,
`standard`) runs it in each schema. The buildings' views stay in place while
companies migrate: adding a column, an index or a table never touches them, so
the desk and the kiosk's code lookup keep answering. PostgreSQL refuses to
change the type of, or drop, a column a view selects; only a migration refused
that way runs again with its company set aside from its building's views
(`building_sql_views_without`), and the company is back in them right after.
"""

from typing import Any

import psycopg
from django.core.management.commands import migrate
from django.db import DatabaseError

from shared_apps.database.connection import tenant_connection
from tenant_apps.desk.building_sql_views import DESK_VIEWS, building_sql_views_without

# feature_not_supported ("cannot alter type of a column used by a view or rule"),
# dependent_objects_still_exist ("cannot drop column ... because other objects depend on it").
_BLOCKED_STATES = {"0A000", "2BP01"}


def blocked_by_desk_view(error: BaseException) -> bool:
    """Whether PostgreSQL refused a statement because one of the desk views reads what it changes."""
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, psycopg.Error):
        cause = cause.__cause__
    if cause is None or cause.sqlstate not in _BLOCKED_STATES:
        return False
    detail = f"{cause.diag.message_primary} {cause.diag.message_detail}"
    return any(view.name in detail for view in DESK_VIEWS)


class Command(migrate.Command):
    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except DatabaseError as error:
            if not blocked_by_desk_view(error):
                raise
        # The refused migration was rolled back (migrations are atomic); those before it stay applied.
        with building_sql_views_without(tenant_connection().schema_name):
            return super().execute(*args, **options)
