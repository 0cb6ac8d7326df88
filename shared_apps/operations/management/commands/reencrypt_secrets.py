from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shared_apps.audit.actors import command_actor
from shared_apps.audit.services import audit_record
from shared_apps.operations.encryption import SecretUnreadable, secrets_reencrypt


class Command(BaseCommand):
    help = (
        "Encrypt every stored secret (TOTP secrets, webhook signing secrets) again with the first key of "
        "CHECKIN_ENCRYPTION_KEYS, in every schema. Run it after putting a new key first; then the old keys "
        "can be removed. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = secrets_reencrypt()
        except SecretUnreadable as error:
            raise CommandError(str(error), returncode=2) from None
        audit_record(actor=command_actor(), action="secrets.reencrypted", tenant_schema="public",
                     details={"values": count})  # fmt: skip
        self.stdout.write(f"Re-encrypted {count} secret(s) with the first key of CHECKIN_ENCRYPTION_KEYS.")
