"""In headless Chromium: a walk-in of a company that approves walk-ins waits on the kiosk's waiting screen, which
turns by itself (kiosk.js polls under the strict CSP) into the badge once the reception approves by the e-mailed
link, or into "please see the reception desk" once it declines or the company's timeout passes.

The server is a `runserver` subprocess on the test database: what it needs (the company's settings) is written on
a connection of its own and put back after; its e-mails go to its standard output, where the links are read.
"""

import os
import re
import uuid
from typing import Any

import pytest

from tests.browser import CHROMIUM
from tests.kiosk.pairing import pairing_codes
from tests.kiosk.test_kiosk_ux_browser import LANDSCAPE, _committed, _settings, _tablet, server

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
__all__ = ["server"]  # a fixture


def _wait_in_line(tablet, url: str, first: str) -> None:
    tablet.goto(f"{url}/kiosk/")
    tablet.click("button.kiosk-language[value=en]")
    tablet.click("a[href='/kiosk/walk-in/']")
    tablet.click("button.kiosk-company:has-text('Globex Consulting')")
    tablet.fill("input[name=first_name]", first)
    tablet.fill("input[name=last_name]", "Approval")
    tablet.fill("input[name=email]", f"{first.lower()}@example.org")
    tablet.check("input[name=accept_notice]")
    tablet.click(".kiosk-submit-bar button.primary")
    assert tablet.url.endswith("/kiosk/waiting/")
    assert "We have asked Globex Consulting to confirm your visit" in tablet.content()


def _link(output, first: str, decision: str, port: str) -> str:
    """The approve or decline link of `first`'s request, from the server's console e-mails, on the test server."""
    sent = output.read_text(errors="replace")
    message = sent[sent.index(f"{first} Approval") :]  # the text part (the subject is encoded)
    links = re.findall(r"http://globex\.localhost:\d+(/approval/[^/\s]+/)", message)
    return f"http://globex.localhost:{port}{links[0 if decision == 'approve' else 1]}"


def _deadline_passes(first: str) -> None:
    import datetime as dt

    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from shared_apps.tenancy.models import Tenant
    from tenant_apps.visits.models import Visit

    def work() -> Any:
        with tenant_context(Tenant.objects.get(schema_name="globex")):
            past = timezone.now() - dt.timedelta(seconds=1)
            return Visit.objects.filter(visitor__first_name=first).update(approval_deadline=past)

    assert _committed(work) == 1


def test_approve_decline_and_timeout_from_the_waiting_screen(server, browser):
    url, output = server
    port = url.rsplit(":", 1)[1]
    run = uuid.uuid4().hex[:6]
    before = _settings("globex", walk_in_approval=True, reception_email=f"front-{run}@globex.example",
                       approval_timeout_minutes=10, show_hosts_on_kiosk=False)  # fmt: skip
    try:
        tablet = _tablet(browser, url, pairing_codes(browser, url, 1, name="Approval kiosk")[0], LANDSCAPE)
        reception = browser.new_context().new_page()

        first = f"Ada{run}"
        _wait_in_line(tablet, url, first)
        reception.goto(_link(output, first, "approve", port))
        assert f"{first} Approval" in reception.content()
        reception.click("form button[type=submit]")
        assert "Approved" in reception.content()
        tablet.wait_for_url("**/kiosk/done/", timeout=20_000)  # the waiting screen moved by itself
        assert f"Welcome, {first}" in tablet.content()
        tablet.click("a[href='/kiosk/badge/']")
        assert first in tablet.locator(".badge-label").inner_text()

        first = f"Dan{run}"
        _wait_in_line(tablet, url, first)
        reception.goto(_link(output, first, "decline", port))
        reception.click("form button[type=submit]")
        tablet.locator("h1:has-text('Please see the reception desk')").wait_for(timeout=20_000)
        assert first not in tablet.content()

        first = f"Tim{run}"
        _wait_in_line(tablet, url, first)
        _deadline_passes(first)
        tablet.locator("h1:has-text('Please see the reception desk')").wait_for(timeout=20_000)
        reception.goto(_link(output, first, "approve", port))
        assert "This link no longer works" in reception.content()
        tablet.context.close()
        reception.context.close()
    finally:
        _settings("globex", **before)
