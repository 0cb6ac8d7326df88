"""Provisioning speed: a spare schema, or cloning the template, against stock django-tenants creation.

Creates a throw-away database with one building already holding EXISTING
companies, then provisions companies the product's way, through the call the
IT console and the provisioning API make (`company_provision`: tenant row,
schema, role, host, retention setting, first admin account, audit entries, in
one transaction; the admin's invitation is sent after the commit). Nothing is
written in the building's reception schema: the desk's read model is filled by
the company's own triggers as its visits come (tenant_apps/desk/read_model.py),
so the time does not grow with the building.

- COUNT from a spare schema (`spare_schemas.py`): a clone made ahead of time
  that provisioning renames. The worker's refill that follows each commit runs
  here between the runs, untimed, as it does in a worker;
- COUNT with the spare pool empty, so provisioning clones the template itself
  (what happens when companies are provisioned faster than the worker refills);

then STOCK_COUNT companies the stock django-tenants way (tenant row, CREATE
SCHEMA, `migrate_schemas` for that schema with django-tenants' standard
executor: no role, host, admin or audit), and prints the median milliseconds
per company and the ratios, then drops the database. The stock path does less
work than ours, so the ratios are on the safe side.

    .venv/bin/python tests/bench/provision.py [--count 50] [--stock-count 50] [--existing 0]

Run it with `--existing 500` for a building of 500 companies.

Uses DATABASE_URL's server (the embedded PostgreSQL when unset, as dev.py does).
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")
# Each first admin's invitation is still written and sent after the commit, as in production, but kept in memory:
# the development default prints every one to the console, burying the figures.
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=50, help="companies provisioned each product way")
    parser.add_argument("--stock-count", type=int, default=50, help="companies created the stock way")
    parser.add_argument("--existing", type=int, default=0, help="companies in the building before the runs")
    args = parser.parse_args()

    from django.conf import settings

    from tests.bench.throwaway import throwaway_database

    settings.CHECKIN_SPARE_SCHEMAS = 0  # none made until the spare runs
    with throwaway_database():
        from django_tenants.management.commands import migrate_schemas
        from django_tenants.migration_executors import get_executor

        from shared_apps.database import spare_schemas
        from shared_apps.provisioning import tenant_schemas
        from shared_apps.provisioning.buildings import building_create
        from shared_apps.provisioning.companies import company_create, company_provision
        from shared_apps.provisioning.tenant_schemas import platform_ensure
        from shared_apps.tenancy.models import Tenant

        platform_ensure()
        building = building_create(slug="bench", name="Bench")
        for i in range(args.existing):
            company_create(building=building, slug=f"existing-{i}", name=f"Existing {i}")

        def provision(slug: str) -> None:
            company_provision(building=building, slug=slug, name=slug.title(), actor="it:bench",
                              admin_email=f"admin@{slug}.example")  # fmt: skip

        def timed(make: Callable[[int], object], count: int, before: Callable[[], object] | None = None) -> list[float]:
            runs = []
            for i in range(count):
                if before is not None:
                    before()
                start = time.perf_counter()
                make(i)
                runs.append((time.perf_counter() - start) * 1000)
            return runs

        # A spare each time: the refill a worker does after each commit, done here between the runs.
        settings.CHECKIN_SPARE_SCHEMAS = 1
        tenant_schemas._refill_later = lambda: None
        spared = timed(lambda i: provision(f"spare-{i}"), args.count, before=spare_schemas.spares_refill)
        settings.CHECKIN_SPARE_SCHEMAS = 0
        cloned = timed(lambda i: provision(f"clone-{i}"), args.count)

        # What django-tenants runs when a tenant with auto_create_schema is saved, without our
        # wrapper that also fills new desk read models after migrate_schemas.
        migrate_schemas.GET_EXECUTOR_FUNCTION = get_executor
        os.environ.pop("EXECUTOR", None)

        def stock_create(i: int) -> None:
            tenant = Tenant.objects.create(
                type="company", building=building, name=f"Stock {i}", slug=f"stock-{i}", schema_name=f"stock_{i}"
            )
            tenant.create_schema(verbosity=0)  # CREATE SCHEMA + migrate_schemas: what django-tenants does by default

        stock = timed(stock_create, args.stock_count)

        stock_median = statistics.median(stock)
        print(
            f"provision one company, median of {args.count} runs each way and {args.stock_count} stock runs; "
            f"building of {args.existing} to {args.existing + 2 * args.count - 1} companies during the runs"
        )
        for label, runs in (("from a spare", spared), ("spare pool empty: cloning", cloned)):
            median = statistics.median(runs)
            print(f"  company_provision, {label:25}: {median:7.1f} ms (p95 {_p95(runs):6.1f} ms)  "
                  f"{stock_median / median:5.1f}x faster")  # fmt: skip
        print(f"  {'stock django-tenants':44}: {stock_median:7.1f} ms (p95 {_p95(stock):6.1f} ms)  baseline")
        print("  goal: under 150 ms median and at least 10x faster than stock")


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


if __name__ == "__main__":
    main()
