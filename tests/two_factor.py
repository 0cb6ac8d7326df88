"""Second-factor codes for test sign-ins, read from the account's device as its authenticator app would make them."""

import time
from concurrent.futures import ThreadPoolExecutor

from django.db import connections
from django_tenants.utils import schema_context

from shared_apps.accounts import totp
from shared_apps.accounts.models import TwoFactorDevice


def code_for(schema: str, email: str) -> str:
    """A code the server accepts now: the current step's, or the next one's when this step's code was used."""
    with schema_context(schema):
        device = TwoFactorDevice.objects.get(user__email=email)
    step = max(totp.step_at(), device.last_used_step + 1)
    if step > totp.step_at() + totp.WINDOW:  # three sign-ins within one step: wait for the next
        time.sleep(totp.STEP_SECONDS - time.time() % totp.STEP_SECONDS + 0.1)
        step = max(totp.step_at(), device.last_used_step + 1)
    return totp.code_at(device.secret, step)


def code_for_browser(schema: str, email: str) -> str:
    """`code_for` from a test driving a browser: Playwright's event loop forbids the ORM in its thread, and the
    server's last sign-in is committed, so read it on a connection of its own."""

    def read() -> str:
        try:
            return code_for(schema, email)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(read).result()
