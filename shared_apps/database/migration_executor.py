"""`migrate_schemas` over a fleet: replayed where schemas are alike, else in parallel worker processes.

First, every schema whose pending migrations only change fields, indexes and
constraints gets them by replaying SQL planned once for all the schemas alike
(`migration_replay.py`); schemas already up to date are skipped. The rest run
Django's `migrate` each: django-tenants' multiprocessing executor forks
TENANT_MULTIPROCESSING_MAX_PROCESSES workers, each recycled after
TENANT_MULTIPROCESSING_MAX_TASKS_PER_CHILD schemas so that the per-connection
catalog cache of thousands of schemas never piles up. A handful of schemas, or
a call inside a transaction (a test, `create_schema()`), migrates in-process:
forking would cost more than it saves, and a transaction cannot span processes.
"""

import os
from typing import Any

from django.conf import settings
from django.db import connection
from django_tenants.migration_executors import MigrationExecutor, get_executor
from django_tenants.migration_executors.multiproc import MultiprocessingExecutor
from django_tenants.migration_executors.standard import StandardExecutor

from shared_apps.database.migration_replay import migrate_alike_schemas, replay_allowed


def _schemas_present(tenants: list[Any]) -> list[Any]:
    """The tenants whose schema exists. A removed company's tenant row outlives its dropped schema (its slug is
    never reused): there is nothing to migrate there, and migrating it would fail on the missing schema."""
    names = [tenant[0] if isinstance(tenant, (tuple, list)) else tenant for tenant in tenants]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [names])
        present = {row[0] for row in cursor.fetchall()}
    return [tenant for tenant, name in zip(tenants, names, strict=True) if name in present]


class FleetExecutor(MultiprocessingExecutor):
    codename = "fleet"

    def __init__(self, args: Any, options: dict[str, Any]) -> None:
        # System checks ran once when migrate_schemas started: not again for each schema.
        super().__init__(args, {**options, "skip_checks": True})

    def _in_process(self, tenants: Any) -> bool:
        return connection.in_atomic_block or len(list(tenants)) < settings.CHECKIN_MIGRATION_PARALLEL_MIN_SCHEMAS

    def run_migrations(self, tenants: Any = None) -> None:
        tenants = _schemas_present(list(tenants or []))
        if self._in_process(tenants):
            StandardExecutor(self.args, self.options).run_migrations(tenants=tenants)
        else:
            super().run_migrations(tenants=tenants)

    def run_multi_type_migrations(self, tenants: Any) -> None:
        tenants = _schemas_present(list(tenants or []))
        if replay_allowed(self.options):
            tenants = migrate_alike_schemas(tenants, verbosity=int(self.options.get("verbosity", 1)))
        if not tenants:
            return
        if self._in_process(tenants):
            StandardExecutor(self.args, self.options).run_multi_type_migrations(tenants=tenants)
        else:
            super().run_multi_type_migrations(tenants=tenants)


def migration_executor(codename: str | None = None) -> type[MigrationExecutor]:
    """The executor `--executor` or $EXECUTOR names, else the fleet executor."""
    codename = codename or os.environ.get("EXECUTOR")
    if codename and codename != FleetExecutor.codename:
        executor: type[MigrationExecutor] = get_executor(codename)
        return executor
    return FleetExecutor
