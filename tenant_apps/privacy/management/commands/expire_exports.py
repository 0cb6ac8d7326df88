"""Delete export files past their expiry, in every company or one."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shared_apps.database.every_schema import in_every_schema
from shared_apps.tenancy.selectors import companies_maintained
from tenant_apps.privacy.exports.lifecycle import exports_expire


class Command(BaseCommand):
    help = "Delete export files whose expiry has passed (CHECKIN_EXPORT_EXPIRY_DAYS after they were written)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--company", help="slug of one company (default: every active or suspended company)")

    def handle(self, *args: Any, company: str | None = None, **options: Any) -> None:
        companies = companies_maintained()
        if company:
            companies = companies.filter(slug=company)
            if not companies.exists():
                raise CommandError(f"No active or suspended company with slug '{company}'.")
        for tenant, gone in in_every_schema(companies, lambda _: exports_expire()):
            self.stdout.write(f"{tenant.slug}: {gone} expired exports deleted")
