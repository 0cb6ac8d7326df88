"""Pairing tablets in a browser test: a desk person of the test's own signs in and adds kiosks on the desk's kiosk
page, whose pairing codes a tablet then types (tests/kiosk/test_browser.py, tests/kiosk/test_kiosk_ux_browser.py)."""

import uuid
from typing import Any

from django.db import connection

from tests.browser import sign_in_at_the_desk
from tests.committed import outside_the_test_transaction


def _forget_pairing_attempts() -> None:
    """The session's browser tests all pair from 127.0.0.1, whose pairings the kiosk limits to 10 in 10 minutes
    (tenant_apps/kiosk/services.py): each test starts its tablets with that count at nothing (committed)."""

    def forget() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM public.rate_counter WHERE key LIKE 'kiosk:%%:pair:%%'")

    outside_the_test_transaction(forget)


def pairing_codes(browser: Any, url: str, count: int, *, name: str = "Browser kiosk") -> list[str]:
    """`count` new kiosks' pairing codes, each kiosk named `name` and a suffix unique to the run."""
    _forget_pairing_attempts()
    desk = browser.new_context().new_page()
    sign_in_at_the_desk(desk, url)
    codes = []
    for number in range(count):
        desk.goto(f"{url}/desk/kiosks/")
        desk.fill("input[name=kiosk_name]", f"{name} {uuid.uuid4().hex[:6]} {number}")
        desk.click("form button.primary")
        codes.append(desk.locator("[data-pairing-code]").first.inner_text())
    desk.context.close()
    return codes
