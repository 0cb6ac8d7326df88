"""`migrate_schemas` over a fleet: schemas migrate in parallel worker processes.

django-tenants' multiprocessing executor forks TENANT_MULTIPROCESSING_MAX_PROCESSES
workers, each recycled after TENANT_MULTIPROCESSING_MAX_TASKS_PER_CHILD schemas so
that the per-connection catalog cache of thousands of schemas never piles up.
A handful of schemas, or a call inside a transaction (a test, `create_schema()`),
migrates in-process: forking would cost more than it saves, and a transaction
cannot span processes.
"""

import os
from typing import Any

from django.conf import settings
from django.db import connection
from django_tenants.migration_executors import MigrationExecutor, get_executor
from django_tenants.migration_executors.multiproc import MultiprocessingExecutor
from django_tenants.migration_executors.standard import StandardExecutor


class FleetExecutor(MultiprocessingExecutor):
    codename = "fleet"

    def _in_process(self, tenants: Any) -> bool:
        return connection.in_atomic_block or len(list(tenants)) < settings.CHECKIN_MIGRATION_PARALLEL_MIN_SCHEMAS

    def run_migrations(self, tenants: Any = None) -> None:
        tenants = list(tenants or [])
        if self._in_process(tenants):
            StandardExecutor(self.args, self.options).run_migrations(tenants=tenants)
        else:
            super().run_migrations(tenants=tenants)

    def run_multi_type_migrations(self, tenants: Any) -> None:
        tenants = list(tenants or [])
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
