from typing import Any

from django.core.management.base import BaseCommand

from checkin.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_flows_ensure, load_demo
from shared_apps.accounts import totp


class Command(BaseCommand):
    help = "Create or refresh the demo building, companies, accounts and today's visits (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        flows = demo_flows_ensure()
        self.stdout.write("\nCheck-in demo is ready. Open these in a browser:\n")
        for login in logins:
            self.stdout.write(f"  {login.where:<24} {login.url:<34} {login.email}")
        self.stdout.write(f"\n  Password for every demo login: {DEMO_PASSWORD}")
        secret = totp.secret_for_reading(DEMO_TOTP_SECRET)
        self.stdout.write(
            "  IT and the front desk also ask for a two-factor code. Print the current one with\n"
            "      .venv/bin/python platform/manage.py demo_code\n"
            f"  or add the key {secret} to an authenticator app.\n"
        )
        if any(login.where.endswith("single sign-on") for login in logins):
            self.stdout.write(
                '  globex also offers "Sign in with Globex ID": the demo\'s OpenID provider above (started by\n'
                f"  platform/dev.py run) takes the sso.* logins with the same password {DEMO_PASSWORD}.\n"
            )
        for line in flows:
            self.stdout.write(f"  {line}")
