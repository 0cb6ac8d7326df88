"""Migrating a fleet: one new migration over many company schemas, against django-tenants' parallel executor.

Creates a throw-away database, provisions COUNT companies (cloned from the
template), then applies two temporary migrations that each add a nullable
column to visits, running `migrate_schemas` over every tenant schema once per
migration: the first with django-tenants' multiprocessing executor (the
baseline, Django's `migrate` in each schema, PROCESSES workers), the second with
the product's fleet executor (shared_apps/database/migration_executor.py). Both
end by filling any desk read model not filled yet (none here). Prints both
wall times and their ratio, then removes the migrations and drops the database.

    .venv/bin/python tests/bench/migrate.py [--count 500] [--processes 4] [--no-baseline]

Uses DATABASE_URL's server (the embedded PostgreSQL when unset, as dev.py does).
"""

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")

MIGRATIONS = ROOT / "tenant_apps" / "visits" / "migrations"
NAMES = ["9998_bench_visit_note_a", "9999_bench_visit_note_b"]
MIGRATION = """from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("visits", "{parent}")]
    operations = [migrations.AddField("visit", "{field}", models.TextField(null=True))]
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=500, help="company schemas in the fleet")
    parser.add_argument(
        "--processes", type=int, default=None, help="worker processes (TENANT_MULTIPROCESSING_MAX_PROCESSES)"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip django-tenants' executor (minutes at 500)")
    args = parser.parse_args()

    from django.conf import settings

    from tests.bench.throwaway import throwaway_database

    if args.processes:
        settings.TENANT_MULTIPROCESSING_MAX_PROCESSES = args.processes
    try:
        with throwaway_database():
            _run(args)
    finally:
        for name in NAMES:
            (MIGRATIONS / f"{name}.py").unlink(missing_ok=True)
            for cached in (MIGRATIONS / "__pycache__").glob(f"{name}.*"):
                cached.unlink()


def _run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django.db.migrations.loader import MigrationLoader

    from shared_apps.provisioning.buildings import building_create
    from shared_apps.provisioning.companies import company_create
    from shared_apps.provisioning.tenant_schemas import platform_ensure
    from shared_apps.tenancy.models import Tenant

    platform_ensure()
    building = building_create(slug="fleet", name="Fleet")
    start = time.perf_counter()
    for i in range(args.count):
        company_create(building=building, slug=f"fleet-{i}", name=f"Fleet {i}")
    provisioned = time.perf_counter() - start
    schemas = Tenant.objects.exclude(schema_name="public").count()
    print(f"provisioned {args.count} companies in {provisioned:.1f} s ({schemas} tenant schemas in all)")

    (leaf,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("visits")
    runs = [("django-tenants multiprocessing (baseline)", "multiprocessing"), ("fleet executor", None)]
    if args.no_baseline:
        runs = runs[1:]
    walls = {}
    for (label, executor), name, parent in zip(runs, NAMES[-len(runs) :], [leaf[1], *NAMES], strict=False):
        (MIGRATIONS / f"{name}.py").write_text(MIGRATION.format(parent=parent, field=f"bench_{name[-1]}"))
        importlib.invalidate_caches()
        connections.close_all()
        options = {"executor": executor} if executor else {}
        start = time.perf_counter()
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0, **options)
        walls[label] = time.perf_counter() - start
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'visits_visit' "
                "AND column_name = %s",
                [f"bench_{name[-1]}"],
            )
            migrated = cursor.fetchone()[0]
        print(
            f"{label}: one AddField on visits over {schemas} schemas: {walls[label]:.1f} s wall "
            f"({1000 * walls[label] / schemas:.0f} ms per schema); {migrated} visits tables have the new column"
        )
    if len(walls) == 2:
        baseline, fleet = walls.values()
        print(
            f"ratio baseline/fleet: {baseline / fleet:.1f}x faster "
            f"({settings.TENANT_MULTIPROCESSING_MAX_PROCESSES} processes for the baseline)"
        )


if __name__ == "__main__":
    main()
