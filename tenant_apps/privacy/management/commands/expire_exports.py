"""Delete export files past their expiry, in every company or one."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from tenant_apps.privacy.exports.lifecycle import exports_expire
from tenant_apps.privacy.schemas import companies_in_batches, companies_to_maintain


class Command(BaseCommand):
    help = "Delete export files whose expiry has passed (CHECKIN_EXPORT_EXPIRY_DAYS after they were written)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--company", help="slug of one company (default: every active or suspended company)")

    def handle(self, *args: Any, company: str | None = None, **options: Any) -> None:
        companies = companies_to_maintain()
        if company:
            companies = companies.filter(slug=company)
            if not companies.exists():
                raise CommandError(f"No active or suspended company with slug '{company}'.")
        for batch in companies_in_batches(companies):
            for tenant in batch:
                with tenant_context(tenant):
                    gone = exports_expire()
                self.stdout.write(f"{tenant.slug}: {gone} expired exports deleted")
