from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from shared_apps.audit.actors import command_actor
from shared_apps.provisioning.desk_staff import building_provision
from shared_apps.provisioning.management.commands._provisioning import run_or_explain
from shared_apps.tenancy.links import host_for


class Command(BaseCommand):
    help = "Create a building with its reception schema and host <slug>.<root>, and invite its first desk account."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug", help="lowercase letters, digits and hyphens; becomes <slug>.<root>")
        parser.add_argument("--name", required=True)
        parser.add_argument("--address", default="")
        parser.add_argument("--timezone", default="Europe/Brussels")
        parser.add_argument(
            "--desk-email", default="", help="the first desk account, which receives a link to choose a password"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        building = run_or_explain(
            lambda: building_provision(
                slug=options["slug"],
                name=options["name"],
                address=options["address"],
                timezone=options["timezone"],
                desk_email=options["desk_email"],
                actor=command_actor(),
            )
        )
        self.stdout.write(f"Created building {building.slug}: {host_for(building.slug)}")
