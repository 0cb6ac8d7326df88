"""IT's hand on a building's block list (the desk manages it at /desk/block-list/): list, add, remove; audited as
`it:<email>` given with --by."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import Tenant
from tenant_apps.kiosk.block_list import (
    BlockListDetails,
    block_list_add,
    block_list_entries,
    block_list_expiry_bounds,
    block_list_remove,
)


class Command(BaseCommand):
    help = "List, add or remove entries of a building's block list (IT; the desk uses its Block list page)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "add", "remove"])
        parser.add_argument("building", help="the building's slug")
        parser.add_argument("--by", help="the IT account acting, for the audit log (add, remove)")
        parser.add_argument("--name", help="the person's name (add)")
        parser.add_argument("--reason", help="why they are on the list (add)")
        parser.add_argument("--email", default="")
        parser.add_argument("--birth-date", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--document-hint", default="")
        parser.add_argument("--expires-on", type=dt.date.fromisoformat, default=None,
                            help="YYYY-MM-DD, within a year (default: in about six months)")  # fmt: skip
        parser.add_argument("--id", type=int, help="the entry to remove")

    def handle(self, *args: Any, **options: Any) -> None:
        reception = Tenant.objects.filter(type=Tenant.Type.RECEPTION, building__slug=options["building"]).first()
        if reception is None:
            raise CommandError(f"Unknown building '{options['building']}'.", returncode=2)
        if options["action"] != "list" and not options["by"]:
            raise CommandError("Say who acts with --by <your IT e-mail>.", returncode=2)
        actor = f"it:{options['by']}"
        with tenant_context(reception):
            if options["action"] == "list":
                for entry in block_list_entries():
                    self.stdout.write(f"{entry.pk}\t{entry.full_name}\t{entry.email}\t{entry.expires_at:%Y-%m-%d}")
            elif options["action"] == "add":
                details = BlockListDetails(
                    full_name=options["name"] or "", email=options["email"], birth_date=options["birth_date"],
                    document_hint=options["document_hint"], reason=options["reason"] or "",
                    expires_on=options["expires_on"] or block_list_expiry_bounds()[1],
                )  # fmt: skip
                try:
                    entry = block_list_add(details=details, actor=actor)
                except ValidationError as error:
                    raise CommandError("; ".join(error.messages), returncode=2) from None
                self.stdout.write(f"Added entry {entry.pk}, until {entry.expires_at:%Y-%m-%d}.")
            else:
                found = block_list_entries().filter(pk=options["id"]).first()
                if found is None:
                    raise CommandError(f"No entry {options['id']} in force in this building.", returncode=2)
                block_list_remove(entry=found, actor=actor)
                self.stdout.write(f"Removed entry {options['id']}.")
