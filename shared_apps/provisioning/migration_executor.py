"""`migrate_schemas` that fills new desk read models once every schema has migrated, timed.

Settings point django-tenants' `GET_EXECUTOR_FUNCTION` at `executor_for_migrate_schemas`. Whatever executor
is chosen (the fleet executor of shared_apps/database/migration_executor.py by
default, or the one `--executor` names), once the tenant schemas have migrated every company table carries
the triggers that keep its building's desk read model current, and a building whose read model has not been
filled yet (the release that brings it) gets its companies' existing rows copied
(tenant_apps/desk/read_model.py); later runs find every building filled and copy nothing. (A custom
`migrate_schemas` command cannot do this: django-tenants is installed first, so its command wins.) Each step
is timed for the metrics (shared_apps/operations/migration_metrics.py).

This composition lives in provisioning, the layer allowed to call both the database machinery and the reception
apps; neither of them knows the other.
"""

from typing import Any

from django_tenants.migration_executors.base import MigrationExecutor

from shared_apps.database.migration_executor import migration_executor
from shared_apps.database.spare_schemas import spares_refill
from shared_apps.operations.migration_metrics import executor_timed
from shared_apps.tenancy.schema_roles import roles_sync_all
from tenant_apps.desk.read_model import read_model_fill_all


def executor_filling_read_models(codename: str | None = None) -> type[MigrationExecutor]:
    """The executor django-tenants would pick, wrapped to fill new desk read models after the tenants migrate."""
    base: type[MigrationExecutor] = migration_executor(codename=codename)

    class ReadModelExecutor(base):
        def run_multi_type_migrations(self, tenants: Any) -> None:
            super().run_multi_type_migrations(tenants=tenants)
            roles_sync_all()  # new tables and tenants get their schema's role and grants
            read_model_fill_all()
            spares_refill()  # spares made before these migrations are stale: dropped, and made again

    ReadModelExecutor.__name__ = f"ReadModel{base.__name__}"
    return ReadModelExecutor


def executor_for_migrate_schemas(codename: str | None = None) -> type[MigrationExecutor]:
    """GET_EXECUTOR_FUNCTION: the executor filling new desk read models, its steps timed for the metrics."""
    return executor_timed(executor_filling_read_models(codename=codename))
