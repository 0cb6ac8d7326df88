"""Run the retention purge now, in every company or one, optionally as a dry run."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shared_apps.database.every_schema import in_every_schema
from shared_apps.tenancy.selectors import companies_maintained
from tenant_apps.privacy.purge import company_purge


class Command(BaseCommand):
    help = (
        "Hard-delete visits whose end is older than each company's retention period, then visitors left "
        "without visits and expired export files. Counts are audited; --dry-run only counts."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--company", help="slug of one company (default: every active or suspended company)")
        parser.add_argument("--dry-run", action="store_true", help="count what would go, delete nothing")

    def handle(self, *args: Any, company: str | None = None, dry_run: bool = False, **options: Any) -> None:
        companies = companies_maintained()
        if company:
            companies = companies.filter(slug=company)
            if not companies.exists():
                raise CommandError(f"No active or suspended company with slug '{company}'.")
        for tenant, result in in_every_schema(companies, lambda _: company_purge(dry_run=dry_run)):
            if not result.ran:
                self.stdout.write(f"{tenant.slug}: skipped, another purge of this company is running")
                continue
            verb = "would delete" if dry_run else "deleted"
            self.stdout.write(
                f"{tenant.slug}: {verb} {result.visits} visits and {result.visitors} visitors "
                f"ending before {result.cutoff:%Y-%m-%d %H:%M} UTC"
                + ("" if dry_run else f", {result.exports} expired exports")
            )
