"""Run the end-of-day automatic check-out by hand (Celery beat runs it every few minutes)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tenant_apps.kiosk.autocheckout import auto_checkout_run


class Command(BaseCommand):
    help = "Close visits still on site in every building whose automatic check-out time has passed today."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--building", help="only this building's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        closed = auto_checkout_run(building_slug=options.get("building"))
        for slug, count in closed.items():
            self.stdout.write(f"{slug}: {count} visit(s) checked out automatically")
