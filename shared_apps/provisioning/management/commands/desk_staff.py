from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shared_apps.audit.actors import command_actor
from shared_apps.provisioning.desk_staff import desk_account, desk_staff_deactivate, desk_staff_invite, desk_staff_of
from shared_apps.provisioning.management.commands._provisioning import run_or_explain
from shared_apps.tenancy.models import Building


class Command(BaseCommand):
    help = "A building's desk staff: list the accounts, invite someone (a link to choose a password), deactivate one."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="the building's desk accounts")
        listing.add_argument("building", help="the building's slug")
        invite = actions.add_parser("invite", help="e-mail someone a link to the building's desk")
        invite.add_argument("building", help="the building's slug")
        invite.add_argument("email")
        invite.add_argument("--name", default="", help="full name (default: the part of the address before @)")
        invite.add_argument("--language", default=settings.LANGUAGE_CODE, choices=[c for c, _n in settings.LANGUAGES],
                            help="language of the invitation")  # fmt: skip
        deactivate = actions.add_parser("deactivate", help="deactivate an account and sign it out at once")
        deactivate.add_argument("building", help="the building's slug")
        deactivate.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        building = Building.objects.filter(slug=options["building"]).first()
        if building is None:
            raise CommandError(f"Unknown building '{options['building']}'.", returncode=2)
        if options["action"] == "list":
            for user in desk_staff_of(building=building):
                state = "deactivated" if not user.is_active else "active" if user.has_usable_password() else "invited"
                self.stdout.write(f"{user.email}\t{user.full_name}\t{state}")
        elif options["action"] == "invite":
            user, created = run_or_explain(lambda: desk_staff_invite(
                building=building, email=options["email"], full_name=options["name"], language=options["language"],
                actor=command_actor(),
            ))  # fmt: skip
            self.stdout.write(
                f"{'Invited' if created else 'Invited again'} {user.email} to the desk of {building.slug}."
            )
        else:
            account = desk_account(building=building, email=options["email"])
            if account is None:
                raise CommandError(f"{building.slug} has no desk account '{options['email']}'.", returncode=2)
            run_or_explain(lambda: desk_staff_deactivate(building=building, user=account, actor=command_actor()))
            self.stdout.write(f"Deactivated {account.email} at {building.slug}; their sessions are ended.")
