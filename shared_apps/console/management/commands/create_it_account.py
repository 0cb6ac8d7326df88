"""`manage.py create_it_account it@example.com --name "Iris Tech"`: an IT account, without a shell or the admin."""

import getpass
import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shared_apps.audit.actors import command_actor
from shared_apps.console.services import it_account_create
from shared_apps.provisioning.management.commands._provisioning import run_or_explain

PASSWORD_VARIABLE = "CHECKIN_IT_PASSWORD"  # noqa: S105 - the name of the variable, not a password


class Command(BaseCommand):
    help = (
        "Create an IT account on the root host. The password comes from --password-file, or with --no-input "
        f"from ${PASSWORD_VARIABLE}, else it is asked twice. The account sets up its authenticator app at its "
        "first sign-in."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help="the person's full name")
        parser.add_argument("--password-file", type=Path, help="a file whose first line is the password")
        parser.add_argument(
            "--no-input", action="store_true", help=f"never prompt: take the password from ${PASSWORD_VARIABLE}"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options["password_file"], no_input=options["no_input"])
        user = run_or_explain(
            lambda: it_account_create(
                email=options["email"], full_name=options["name"], password=password, actor=command_actor()
            )
        )
        self.stdout.write(
            f"Created IT account {user.email}: sign in on the root host and set up the authenticator app."
        )

    def _password(self, path: Path | None, *, no_input: bool) -> str:
        if path is not None:
            try:
                lines = path.read_text().splitlines()
            except OSError as error:
                raise CommandError(f"Cannot read the password file: {error.strerror}.", returncode=2) from None
            if not lines or not lines[0]:
                raise CommandError(f"{path} is empty: write the password on its first line.", returncode=2)
            return lines[0]
        if no_input:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(f"--no-input: set {PASSWORD_VARIABLE} or give --password-file.", returncode=2)
            return password
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.", returncode=2)
        return password
