"""Provisioning speed: cloning the template schema against stock django-tenants creation.

Creates a throw-away database with one building already holding EXISTING
companies, provisions COUNT more companies the product's way (`company_create`:
tenant row, cloned schema, host, retention setting, the building's desk views,
audit entry, in one transaction), then STOCK_COUNT companies the stock
django-tenants way (tenant row, CREATE SCHEMA, `migrate_schemas` for that
schema with django-tenants' standard executor: no host, no views, no audit), and
prints the median milliseconds per company and the ratio, then drops the database.
The stock path does less work than ours, so the ratio is on the safe side.

    .venv/bin/python tests/bench/provision.py [--count 50] [--stock-count 50] [--existing 0]

The desk views make provisioning grow with the building: run it with
`--existing 100` for a building of 100 companies.

Uses DATABASE_URL's server (the embedded PostgreSQL when unset, as dev.py does).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=50, help="companies provisioned by cloning")
    parser.add_argument("--stock-count", type=int, default=50, help="companies created the stock way")
    parser.add_argument("--existing", type=int, default=0, help="companies in the building before the runs")
    args = parser.parse_args()

    from tests.bench.throwaway import throwaway_database

    with throwaway_database():
        from django_tenants.management.commands import migrate_schemas
        from django_tenants.migration_executors import get_executor

        from shared_apps.tenancy.models import Tenant
        from shared_apps.tenancy.services import building_create, company_create, platform_ensure

        platform_ensure()
        building = building_create(slug="bench", name="Bench")
        for i in range(args.existing):
            company_create(building=building, slug=f"existing-{i}", name=f"Existing {i}")

        cloned = []
        for i in range(args.count):
            start = time.perf_counter()
            company_create(building=building, slug=f"clone-{i}", name=f"Clone {i}")
            cloned.append((time.perf_counter() - start) * 1000)

        # What django-tenants runs when a tenant with auto_create_schema is saved, without our
        # wrapper that also rebuilds every building's views around migrate_schemas.
        migrate_schemas.GET_EXECUTOR_FUNCTION = get_executor
        os.environ.pop("EXECUTOR", None)
        stock = []
        for i in range(args.stock_count):
            start = time.perf_counter()
            tenant = Tenant.objects.create(
                type="company", building=building, name=f"Stock {i}", slug=f"stock-{i}", schema_name=f"stock_{i}"
            )
            tenant.create_schema(verbosity=0)  # CREATE SCHEMA + migrate_schemas: what django-tenants does by default
            stock.append((time.perf_counter() - start) * 1000)

        clone_median, stock_median = statistics.median(cloned), statistics.median(stock)
        print(
            f"provision one company, median of {args.count} (clone) and {args.stock_count} (stock) runs; "
            f"building of {args.existing} to {args.existing + args.count - 1} companies during the clone runs"
        )
        print(f"  company_create (clone)        : {clone_median:7.1f} ms   (p95 {_p95(cloned):.1f} ms)")
        print(f"  stock django-tenants (baseline): {stock_median:6.1f} ms   (p95 {_p95(stock):.1f} ms)")
        print(f"  ratio stock/clone             : {stock_median / clone_median:7.1f}x faster")


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


if __name__ == "__main__":
    main()
