"""Rebuild the SQL views of every building's reception schema (`tenant_apps/desk/building_sql_views.py`).

migrate_schemas rebuilds them by itself; this is for doing it by hand.
"""

from typing import Any

from django.core.management.base import BaseCommand

from tenant_apps.desk.building_sql_views import building_sql_views_rebuild_all


class Command(BaseCommand):
    help = "Drop and recreate every building's desk views over its active company schemas."

    def handle(self, *args: Any, **options: Any) -> None:
        count = building_sql_views_rebuild_all()
        self.stdout.write(f"Rebuilt the reception views of {count} building(s).")
