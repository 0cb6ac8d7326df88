"""Migrating a fleet: one new migration over many company schemas, in parallel worker processes.

Creates a throw-away database, provisions COUNT companies (cloned from the
template), writes a temporary migration that adds a nullable column to
visits, runs `migrate_schemas` over every tenant schema, prints the wall time,
then removes the migration and drops the database.

    .venv/bin/python tests/bench/migrate.py [--count 500] [--processes 4]

Uses DATABASE_URL's server (the embedded PostgreSQL when unset, as dev.py does).
"""

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")

MIGRATIONS = ROOT / "tenant_apps" / "visits" / "migrations"
MIGRATION_NAME = "9999_bench_visit_note"
MIGRATION = """from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("visits", "{leaf}")]
    operations = [migrations.AddField("visit", "bench_note", models.TextField(null=True))]
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=500, help="company schemas in the fleet")
    parser.add_argument(
        "--processes", type=int, default=None, help="worker processes (TENANT_MULTIPROCESSING_MAX_PROCESSES)"
    )
    args = parser.parse_args()

    import django
    from django.conf import settings

    bench_db = f"checkin_bench_{uuid.uuid4().hex[:8]}"
    real_db = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"]["NAME"] = bench_db
    if args.processes:
        settings.TENANT_MULTIPROCESSING_MAX_PROCESSES = args.processes
    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.db.migrations.loader import MigrationLoader

    from shared_apps.tenancy.models import Tenant
    from shared_apps.tenancy.services import building_create, company_create, platform_ensure

    migration_file = MIGRATIONS / f"{MIGRATION_NAME}.py"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{bench_db}"')
    try:
        call_command("migrate_schemas", interactive=False, verbosity=0)
        platform_ensure()
        building = building_create(slug="fleet", name="Fleet")
        start = time.perf_counter()
        for i in range(args.count):
            company_create(building=building, slug=f"fleet-{i}", name=f"Fleet {i}")
        provisioned = time.perf_counter() - start
        schemas = Tenant.objects.exclude(schema_name="public").count()
        print(f"provisioned {args.count} companies in {provisioned:.1f} s ({schemas} tenant schemas in all)")

        (leaf,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("visits")
        migration_file.write_text(MIGRATION.format(leaf=leaf[1]))
        connections.close_all()
        start = time.perf_counter()
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
        wall = time.perf_counter() - start
        print(
            f"migrate_schemas, one AddField on visits over {schemas} schemas with "
            f"{settings.TENANT_MULTIPROCESSING_MAX_PROCESSES} processes: {wall:.1f} s wall "
            f"({1000 * wall / schemas:.0f} ms per schema)"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'visits_visit' "
                "AND column_name = 'bench_note'"
            )
            migrated = cursor.fetchone()[0]
        print(f"  visits tables with the new column: {migrated} (companies and the company template)")
    finally:
        migration_file.unlink(missing_ok=True)
        for cached in (MIGRATIONS / "__pycache__").glob(f"{MIGRATION_NAME}.*"):
            cached.unlink()
        connections.close_all()
        settings.DATABASES["default"]["NAME"] = real_db
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
