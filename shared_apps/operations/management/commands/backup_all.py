from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_apps.operations.backups.dumps import database_dump
from shared_apps.operations.backups.pg_tools import BackupError


class Command(BaseCommand):
    help = "Dump the whole database, every schema (pg_dump custom format, as the owner role), into FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the dump to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            file = database_dump(file=options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{file}: {file.stat().st_size} bytes")
