"""Copy every building's companies' rows into its desk read model again (`tenant_apps/desk/read_model.py`).

`migrate_schemas` fills a building once, when the read model arrives; the triggers keep it current after
that. This is for doing it by hand: after restoring a company schema from a backup, say.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shared_apps.tenancy.models import Building
from tenant_apps.desk.read_model import read_model_fill, read_model_fill_all


class Command(BaseCommand):
    help = "Copy the desk rows of every company (of one building with --building) into its building's read model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--building", help="the building's slug; every building when left out")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["building"]:
            building = Building.objects.get(slug=options["building"])
            companies = read_model_fill(building=building, again=True) or 0
            self.stdout.write(f"Copied the desk rows of {companies} company(ies) of {building.slug}.")
            return
        count = read_model_fill_all(again=True)
        self.stdout.write(f"Copied the desk rows of {count} building(s).")
