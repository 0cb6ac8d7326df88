"""migrate_schemas replays schema-only migrations in schemas that are alike, and leaves the rest to migrate."""

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection, migrations, models
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_migrate

from shared_apps.database.connection import tenant_connection
from shared_apps.database.migration_replay import migrate_alike_schemas, replay_allowed, replayable
from shared_apps.tenancy.models import Tenant

pytestmark = pytest.mark.django_db

# This notifications migration adds a column (a foreign key, with its index and constraint): the shape of most
# deploys' migrations. Django's executor unapplies it with whatever came after it; a model created since (not
# replayable) would make the test's plan one that only `migrate` applies.
APP, NAME, BEFORE, COLUMN = "notifications", "0010_parcel_email", "0009_delivery_chat_kinds", "parcel_id"


def _undo_latest_notifications_migration(schema: str, *, keep_column: bool = False) -> None:
    """Put `schema` back to before APP.NAME and what followed it, as if it had not migrated yet."""
    tenant_connection().set_tenant(Tenant.objects.get(schema_name=schema))
    try:
        MigrationExecutor(connection).migrate([(APP, BEFORE)])
        if keep_column:
            with connection.cursor() as cursor:
                cursor.execute(f'ALTER TABLE "{schema}".notifications_delivery ADD COLUMN {COLUMN} bigint')
    finally:
        tenant_connection().set_schema_to_public()


def _migrated(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT EXISTS (SELECT 1 FROM "{schema}".django_migrations WHERE app = %s AND name = %s), '
            "EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = 'notifications_delivery' AND column_name = %s)",
            [APP, NAME, schema, COLUMN],
        )
        return all(cursor.fetchone())


@pytest.fixture
def post_migrate_calls() -> Iterator[list[str]]:
    calls: list[str] = []

    def record(sender: object, **kwargs: object) -> None:
        calls.append(str(kwargs.get("using")))

    post_migrate.connect(record, weak=False)
    yield calls
    post_migrate.disconnect(record)


def test_migrate_schemas_replays_a_pending_schema_change_in_every_schema_behind(acme, globex, post_migrate_calls):
    _undo_latest_notifications_migration("acme")
    _undo_latest_notifications_migration("globex")
    assert not _migrated("acme")

    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)

    assert _migrated("acme") and _migrated("globex") and _migrated("initech")
    # Django's migrate did not run: it would have sent post_migrate for each schema.
    assert post_migrate_calls == []


def test_a_schema_where_the_replay_fails_is_left_to_migrate(acme, globex):
    _undo_latest_notifications_migration("acme")
    _undo_latest_notifications_migration("globex", keep_column=True)  # ADD COLUMN fails there

    left = migrate_alike_schemas(
        [("acme", Tenant.Type.COMPANY), ("globex", Tenant.Type.COMPANY), ("initech", Tenant.Type.COMPANY)],
        verbosity=0,
    )

    assert left == [("globex", Tenant.Type.COMPANY)]
    assert _migrated("acme") and _migrated("initech")


def _plan(*operations: migrations.operations.base.Operation, **attributes: object) -> list:
    migration = type("Migration", (migrations.Migration,), {"operations": list(operations), **attributes})
    return [(migration("0099_test", "visits"), False)]


def test_only_atomic_schema_changes_are_replayed():
    add = migrations.AddField("visit", "x", models.TextField(null=True))
    assert replayable(_plan(add, migrations.AddIndex("visit", models.Index(fields=["x"], name="x_idx"))))
    assert replayable(_plan(migrations.RunSQL("SELECT 1")))
    assert not replayable(_plan(migrations.RunPython(migrations.RunPython.noop)))
    assert not replayable(_plan(migrations.CreateModel("Thing", [("id", models.BigAutoField(primary_key=True))])))
    assert not replayable(_plan(migrations.AlterModelOptions("visit", {"permissions": [("x", "X")]})))
    assert not replayable(_plan(add, atomic=False))
    assert not replayable(_plan(add, replaces=[("visits", "0001_initial")]))
    assert not replayable([(_plan(add)[0][0], True)])  # backwards


def test_only_a_plain_migrate_schemas_is_replayed():
    assert replay_allowed({"verbosity": 1, "interactive": False})
    for option in ("app_label", "migration_name", "fake", "fake_initial", "plan", "check_unapplied", "prune"):
        assert not replay_allowed({option: "x"})
