"""Rebuild the reception views of every building (migrate_schemas does it by itself)."""

from typing import Any

from django.core.management.base import BaseCommand

from tenant_apps.desk.reception_views import reception_views_rebuild_all


class Command(BaseCommand):
    help = "Drop and recreate every building's desk views over its active company schemas."

    def handle(self, *args: Any, **options: Any) -> None:
        count = reception_views_rebuild_all()
        self.stdout.write(f"Rebuilt the reception views of {count} building(s).")
