from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_apps.operations.backups.drill import restore_drill, scratch_database
from shared_apps.operations.backups.dumps import company_for_backup
from shared_apps.operations.backups.pg_tools import BackupError


class Command(BaseCommand):
    help = (
        "Restore drill: dump one company, restore it into a scratch database, compare the rows of every table "
        "with the live schema; fails if a count differs or nothing was restored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the company's slug")
        parser.add_argument("--keep", action="store_true", help="keep the scratch database to look at")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            company = company_for_backup(options["slug"])
            counts = restore_drill(company=company, keep=options["keep"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        for count in counts:
            self.stdout.write(f"{count.table}: {count.live} live, {count.restored} restored")
        differing = [count.table for count in counts if count.live != count.restored]
        if not counts or differing:
            raise CommandError(f"Restore drill failed: {', '.join(differing) or 'no table restored'}.")
        where = f" (kept in {scratch_database(company)})" if options["keep"] else ""
        self.stdout.write(f"Restore drill passed: {len(counts)} tables, every count equal{where}.")
