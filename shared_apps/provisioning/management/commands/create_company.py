from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from shared_apps.audit.actors import command_actor
from shared_apps.provisioning.companies import company_provision
from shared_apps.provisioning.management.commands._provisioning import run_or_explain
from shared_apps.tenancy.links import host_for


class Command(BaseCommand):
    help = "Create a company in a building, with its own schema and host <slug>.<root>, and invite its first admin."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug", help="lowercase letters, digits and hyphens; becomes <slug>.<root>")
        parser.add_argument("--building", required=True, help="the building's slug")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--admin-email", default="", help="the first admin, who receives a link to choose a password"
        )
        parser.add_argument("--custom-domain", default="", help="optional host name of the company's own")

    def handle(self, *args: Any, **options: Any) -> None:
        company = run_or_explain(
            lambda: company_provision(
                building=options["building"], slug=options["slug"], name=options["name"],
                admin_email=options["admin_email"], custom_domain=options["custom_domain"], actor=command_actor(),
            )
        )  # fmt: skip
        self.stdout.write(f"Created company {company.slug}: {host_for(company.slug)}")
