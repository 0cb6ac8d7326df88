import time
from typing import Any

from django.core.management.base import BaseCommand

from checkin.demo import DEMO_TOTP_SECRET
from shared_apps.accounts import totp


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo's IT and desk accounts (their secret is public)."

    def handle(self, *args: Any, **options: Any) -> None:
        now = time.time()
        left = totp.STEP_SECONDS - int(now) % totp.STEP_SECONDS
        self.stdout.write(
            f"{totp.code_at(DEMO_TOTP_SECRET, totp.step_at(now))}  (changes in {left} s; each code works once)"
        )
