"""Migrating a fleet of alike schemas: plan once, replay the SQL in each schema.

Django's `migrate` costs about half a second per schema, whatever it applies:
it loads the migration graph, renders the models' state several times and sends
post_migrate, whose handlers query content types and permissions app by app.
Across a fleet where the schemas of a type have applied the same migrations,
that work gives the same answer every time. So the fleet executor reads which
migrations each schema has applied (one query), groups the schemas by tenant
type and applied set, and for each group:

- nothing to apply: its schemas are left alone;
- a plan of schema changes only (`REPLAYABLE` operations, every migration
  atomic, none squashed): Django's schema editor writes its SQL once, as
  `sqlmigrate` does, against the group's first schema; each schema of the group
  then runs it and records the migrations in a transaction of its own.
  post_migrate is not sent: content types and permissions change only with
  models, which these operations leave alone. (A field's callable default is
  thus evaluated once for the group, not once per schema.)
- anything else (RunPython, models created, deleted or renamed...), or a schema
  where the replay fails: Django's `migrate` for each schema, as before.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.migrations import operations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration
from django_tenants.utils import quote_schema_name

from shared_apps.database.connection import tenant_connection

logger = logging.getLogger(__name__)

Plan = list[tuple[Migration, bool]]

REPLAYABLE = (
    operations.AddField,
    operations.RemoveField,
    operations.AlterField,
    operations.RenameField,
    operations.AddIndex,
    operations.RemoveIndex,
    operations.RenameIndex,
    operations.AddConstraint,
    operations.RemoveConstraint,
    operations.RunSQL,
)

# Only a plain `migrate_schemas` (every app to its latest migration, for real) is replayed.
_OPTIONS_THAT_NEED_MIGRATE = ("app_label", "migration_name", "fake", "fake_initial", "plan", "check_unapplied",
                              "prune", "run_syncdb")  # fmt: skip


def replay_allowed(options: dict[str, Any]) -> bool:
    return not any(options.get(option) for option in _OPTIONS_THAT_NEED_MIGRATE)


def replayable(plan: Plan) -> bool:
    """Whether the plan only changes tables' fields, indexes and constraints, in atomic, unsquashed migrations."""
    return all(
        not backwards
        and migration.atomic
        and not migration.replaces
        and all(isinstance(operation, REPLAYABLE) for operation in migration.operations)
        for migration, backwards in plan
    )


def applied_by_schema(schemas: list[str]) -> dict[str, frozenset[tuple[str, str]]]:
    """The migrations each schema has applied, for those of `schemas` that have a migration table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s) "
            "AND to_regclass(quote_ident(nspname) || '.django_migrations') IS NOT NULL",
            [schemas],
        )
        present = [row[0] for row in cursor.fetchall()]
        applied: dict[str, set[tuple[str, str]]] = {schema: set() for schema in present}
        if present:
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT %s, app, name FROM {quote_schema_name(schema)}.django_migrations" for schema in present
                ),
                present,
            )
            for schema, app, name in cursor.fetchall():
                applied[schema].add((app, name))
    return {schema: frozenset(keys) for schema, keys in applied.items()}


def _plan_and_sql(schema: str, tenant_type: str) -> tuple[MigrationExecutor, Plan, list[str] | None]:
    """The plan of `schema` and, when it is replayable, its SQL as the schema editor writes it there."""
    tenant_connection().set_schema(schema, tenant_type=tenant_type)
    executor = MigrationExecutor(connection)
    executor.loader.check_consistent_history(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan or not replayable(plan):
        return executor, plan, None
    return executor, plan, _collect_sql(executor, plan)


def _collect_sql(executor: MigrationExecutor, plan: Plan) -> list[str]:
    """The plan's SQL, written from the state of every migration the schema has applied, as `migrate` starts from.
    (The loader's `collect_sql`, which `sqlmigrate` uses, starts from the ancestors of the plan's first migration
    only: a later migration of the plan that points at a model of an app the first one does not depend on, say
    notifications 0006 at visits 0010's model, then fails with "Related model ... cannot be resolved".)"""
    loader = executor.loader
    state = loader.project_state([key for key in loader.applied_migrations or {} if key in loader.graph.nodes])
    statements: list[str] = []
    for migration, _backwards in plan:  # forwards only: a fleet migrates forwards
        with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as schema_editor:
            state = migration.apply(state, schema_editor, collect_sql=True)
        statements.extend(schema_editor.collected_sql)
    return statements


def _replay_one(schema: str, tenant_type: str, executor: MigrationExecutor, plan: Plan, sql: list[str]) -> bool:
    tenant_connection().set_schema(schema, tenant_type=tenant_type)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("\n".join(sql))
            for migration, _backwards in plan:  # never a squashed migration: see replayable()
                executor.recorder.record_applied(migration.app_label, migration.name)
    except DatabaseError:
        logger.warning("Replaying migrations failed in schema %s; it runs them with migrate.", schema, exc_info=True)
        return False
    return True


def migrate_alike_schemas(tenants: Iterable[tuple[str, str]], *, verbosity: int = 1) -> list[tuple[str, str]]:
    """Bring every (schema, tenant type) of `tenants` to the latest migrations where a replay can;
    returns those left for Django's `migrate`, in their original order."""
    tenants = list(tenants)
    applied = applied_by_schema([schema for schema, _type in tenants])
    groups: dict[tuple[str, frozenset[tuple[str, str]]], list[str]] = defaultdict(list)
    for schema, tenant_type in tenants:
        if schema in applied:
            groups[(tenant_type, applied[schema])].append(schema)
    done: set[str] = set()
    # Recycle the connection now and then: it caches the catalog of every table it touches.
    recycle_every = settings.TENANT_MULTIPROCESSING_MAX_TASKS_PER_CHILD or 100
    touched = 0
    try:
        for (tenant_type, _applied), schemas in groups.items():
            executor, plan, sql = _plan_and_sql(schemas[0], tenant_type)
            if not plan:
                done.update(schemas)
                _say(verbosity, f"{len(schemas)} {tenant_type} schema(s) already up to date")
                continue
            if sql is None:
                continue
            names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _ in plan)
            replayed = 0
            for schema in schemas:
                if touched and touched % recycle_every == 0 and not connection.in_atomic_block:
                    connection.close()
                touched += 1
                if _replay_one(schema, tenant_type, executor, plan, sql):
                    done.add(schema)
                    replayed += 1
            _say(verbosity, f"replayed {names} in {replayed} of {len(schemas)} {tenant_type} schema(s)")
    finally:
        tenant_connection().set_schema_to_public()
    return [(schema, tenant_type) for schema, tenant_type in tenants if schema not in done]


def _say(verbosity: int, message: str) -> None:
    if verbosity >= 1:
        logger.info("[fleet] %s", message)  # counts and migration names only: no personal data
