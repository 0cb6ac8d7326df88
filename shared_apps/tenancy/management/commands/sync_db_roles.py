from typing import Any

from django.core.management.base import BaseCommand

from shared_apps.tenancy.schema_roles import roles_sync_all


class Command(BaseCommand):
    help = (
        "Give every schema its PostgreSQL role and grants (idempotent). migrate_schemas does it at its end; "
        "run this after restoring a dump into another cluster, since roles belong to the cluster, not the dump."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = roles_sync_all()
        self.stdout.write(f"Roles and grants in place for {count} schemas.")
