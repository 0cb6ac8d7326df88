"""migrate_schemas replays schema-only migrations in schemas that are alike, and leaves the rest to migrate."""

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection, migrations, models
from django.db.models.signals import post_migrate

from shared_apps.database.migration_replay import migrate_alike_schemas, replay_allowed, replayable
from shared_apps.tenancy.models import Tenant

pytestmark = pytest.mark.django_db

# This notifications migration adds a column and an index: the shape of most deploys' migrations. The ones after
# it are undone with it (choices, 0004's claim and idempotency key columns and index, 0006's references to a
# visitor and to an objection-lift request: a model of visits 0010, which no migration before 0006 depends on).
APP, NAME = "notifications", "0002_delivery_outbox"


def _undo_latest_notifications_migration(schema: str, *, keep_column: bool = False) -> None:
    """Put `schema` back to before APP.NAME and what followed it, as if it had not migrated yet."""
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{schema}".delivery_outbox_idx')
        cursor.execute(f'DROP INDEX "{schema}".delivery_unsent_idx')
        cursor.execute(
            f'ALTER TABLE "{schema}".notifications_delivery DROP COLUMN claimed_at, DROP COLUMN idempotency_key, '
            "DROP COLUMN objection_lift_id, DROP COLUMN visitor_id"  # 0006's, whose model is in visits 0010
        )
        if not keep_column:
            cursor.execute(f'ALTER TABLE "{schema}".notifications_delivery DROP COLUMN enqueued_at')
        cursor.execute(f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name >= %s', [APP, NAME])


def _migrated(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT EXISTS (SELECT 1 FROM "{schema}".django_migrations WHERE app = %s AND name = %s), '
            "to_regclass(%s) IS NOT NULL, "
            "EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = 'notifications_delivery' AND column_name = 'enqueued_at')",
            [APP, NAME, f'"{schema}".delivery_outbox_idx', schema],
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
