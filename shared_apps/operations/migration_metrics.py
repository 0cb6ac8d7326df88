"""`migrate_schemas` timed: wraps the executor that shared_apps/provisioning/migration_executor.py composes.

The public schema's step and the tenant schemas' step are observed in
`checkin_migration_duration_seconds{step}`, whether or not they fail, in the
process that runs `migrate_schemas` (the migrate Job). Its values reach
Prometheus when that process shares PROMETHEUS_MULTIPROC_DIR with a process
that is scraped (deploy/README.md); its log also has the step's duration.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django_tenants.migration_executors.base import MigrationExecutor

from shared_apps.operations.metrics import MIGRATION_SECONDS

logger = logging.getLogger(__name__)


@contextmanager
def _timed(step: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        MIGRATION_SECONDS.labels(step=step).observe(seconds)
        logger.info("migrate_schemas: the %s step took %.1f s", step, seconds)


def executor_timed(base: type[MigrationExecutor]) -> type[MigrationExecutor]:
    """`base` with its public and tenant steps timed."""

    class TimedExecutor(base):
        def run_migrations(self, tenants: Any = None) -> None:
            with _timed("public" if list(tenants or []) == ["public"] else "tenants"):
                super().run_migrations(tenants=tenants)

        def run_multi_type_migrations(self, tenants: Any) -> None:
            with _timed("tenants"):
                super().run_multi_type_migrations(tenants=tenants)

    TimedExecutor.__name__ = f"Timed{base.__name__}"
    return TimedExecutor
