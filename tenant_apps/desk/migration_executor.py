"""`migrate_schemas` that cannot leave a stale reception view behind.

Settings point django-tenants' `GET_EXECUTOR_FUNCTION` here. Whatever executor
is chosen (the fleet executor of shared_apps/tenancy/migration_executor.py by
default, or the one `--executor` names), the buildings' views are dropped before
tenant schemas migrate and rebuilt once all of them have, so a migration may
alter or drop a column the views select, and the views always match the
migrated tables. (A custom `migrate_schemas` command cannot do this: django-tenants
is installed first, so its command wins.)
"""

import logging
from typing import Any

from django_tenants.migration_executors.base import MigrationExecutor

from shared_apps.tenancy.db_roles import roles_sync_all
from shared_apps.tenancy.migration_executor import migration_executor
from shared_apps.tenancy.spare_schemas import spares_refill
from tenant_apps.desk.reception_views import reception_views_drop_all, reception_views_rebuild_all

logger = logging.getLogger(__name__)


def executor_rebuilding_reception_views(codename: str | None = None) -> type[MigrationExecutor]:
    """The executor django-tenants would pick, wrapped to drop and rebuild the reception views."""
    base: type[MigrationExecutor] = migration_executor(codename=codename)

    class ReceptionViewsExecutor(base):
        def run_multi_type_migrations(self, tenants: Any) -> None:
            reception_views_drop_all()
            try:
                super().run_multi_type_migrations(tenants=tenants)
            except BaseException:
                # Put back what still matches, so a failed deploy does not also blind the desk.
                try:
                    reception_views_rebuild_all()
                except Exception:
                    logger.exception("Reception views could not be rebuilt: run `manage.py reception_views_rebuild`.")
                raise
            reception_views_rebuild_all()
            roles_sync_all()  # new tables and tenants get their schema's role and grants
            spares_refill()  # spares made before these migrations are stale: dropped, and made again

    ReceptionViewsExecutor.__name__ = f"ReceptionViews{base.__name__}"
    return ReceptionViewsExecutor
