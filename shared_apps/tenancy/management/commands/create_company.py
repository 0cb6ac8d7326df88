from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from shared_apps.tenancy.management.commands._provisioning import command_actor, run_or_explain
from shared_apps.tenancy.services import company_create, host_for


class Command(BaseCommand):
    help = "Create a company in a building, with its own schema and host <slug>.<root>."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug", help="lowercase letters, digits and hyphens; becomes <slug>.<root>")
        parser.add_argument("--building", required=True, help="the building's slug")
        parser.add_argument("--name", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        company = run_or_explain(
            lambda: company_create(
                building=options["building"], slug=options["slug"], name=options["name"], actor=command_actor()
            )
        )
        self.stdout.write(f"Created company {company.slug}: {host_for(company.slug)}")
