from typing import Any

from django.core.management.base import BaseCommand

from shared_apps.provisioning.tenant_schemas import platform_ensure


class Command(BaseCommand):
    help = "Create the platform tenant, its root domain and the template schemas if missing (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        platform_ensure()
        self.stdout.write("Platform ready.")
