from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_apps.operations.backups.pg_tools import BackupError
from shared_apps.operations.backups.restores import database_create, dump_restore, roles_sync


class Command(BaseCommand):
    help = (
        "Restore a dump of backup_all or backup_company into a NEW database of the same server (created here "
        "unless --existing), owned by the owner role, then give its schemas their roles and grants."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the dump")
        parser.add_argument("database", help="the database to restore into")
        parser.add_argument("--existing", action="store_true", help="it exists already, empty (made by a superuser)")

    def handle(self, *args: Any, **options: Any) -> None:
        database = options["database"]
        try:
            if not options["existing"]:
                database_create(database)
            dump_restore(file=options["file"], database=database)
            roles_sync(database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {options['file']} into {database}, with its roles and grants.")
