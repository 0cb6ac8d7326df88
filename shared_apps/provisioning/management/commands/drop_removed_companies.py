from typing import Any

from django.core.management.base import BaseCommand

from shared_apps.audit.actors import command_actor
from shared_apps.provisioning.companies import company_schemas_drop_due


class Command(BaseCommand):
    help = (
        "Drop the schema (DROP SCHEMA ... CASCADE) of every removed company whose grace period "
        "(CHECKIN_REMOVAL_GRACE_DAYS) is over. Celery beat runs the same job daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        dropped = company_schemas_drop_due(actor=command_actor())
        self.stdout.write(f"Dropped {len(dropped)} schema(s){': ' + ', '.join(dropped) if dropped else '.'}")
