"""`migrate_schemas` that keeps the reception views readable and leaves none stale behind, timed.

Settings point django-tenants' `GET_EXECUTOR_FUNCTION` at `executor_for_migrate_schemas`. Whatever executor
is chosen (the fleet executor of shared_apps/database/migration_executor.py by
default, or the one `--executor` names), the buildings' views stay in place
while tenant schemas migrate, so the desk board and the kiosk's code lookup
keep answering during an upgrade (a migration they block sets its company
aside: tenant_apps/desk/schema_migrate.py), and are rebuilt once all of them
have, each building in one transaction, so they match the migrated tables and
a reader never finds them missing. (A custom `migrate_schemas` command cannot
do this: django-tenants is installed first, so its command wins.) Each step is
timed for the metrics (shared_apps/operations/migration_metrics.py).

This composition lives in provisioning, the layer allowed to call both the database machinery and the reception
apps; neither of them knows the other.
"""

import logging
from typing import Any

from django_tenants.migration_executors.base import MigrationExecutor

from shared_apps.database.migration_executor import migration_executor
from shared_apps.database.spare_schemas import spares_refill
from shared_apps.operations.migration_metrics import executor_timed
from shared_apps.tenancy.schema_roles import roles_sync_all
from tenant_apps.desk.building_sql_views import building_sql_views_rebuild_all

logger = logging.getLogger(__name__)


def executor_rebuilding_reception_views(codename: str | None = None) -> type[MigrationExecutor]:
    """The executor django-tenants would pick, wrapped to rebuild the reception views after the tenants migrate."""
    base: type[MigrationExecutor] = migration_executor(codename=codename)

    class ReceptionViewsExecutor(base):
        def run_multi_type_migrations(self, tenants: Any) -> None:
            try:
                super().run_multi_type_migrations(tenants=tenants)
            except BaseException:
                # Views over what did migrate, so that a company set aside by a failed run is back on the desk.
                try:
                    building_sql_views_rebuild_all()
                except Exception:
                    logger.exception("Reception views could not be rebuilt: run `manage.py reception_views_rebuild`.")
                raise
            building_sql_views_rebuild_all()
            roles_sync_all()  # new tables and tenants get their schema's role and grants
            spares_refill()  # spares made before these migrations are stale: dropped, and made again

    ReceptionViewsExecutor.__name__ = f"ReceptionViews{base.__name__}"
    return ReceptionViewsExecutor


def executor_for_migrate_schemas(codename: str | None = None) -> type[MigrationExecutor]:
    """GET_EXECUTOR_FUNCTION: the executor rebuilding the reception views, its steps timed for the metrics."""
    return executor_timed(executor_rebuilding_reception_views(codename=codename))
