"""In headless Chromium, in Dutch: pair a tablet with a desk code, check a walk-in in, print the badge, check out.

The server is the session's `runserver` subprocess on the test database (tests/browser.py); what it commits
(the desk person, the kiosk, the visit) stays there, under names unique to this run.
"""

import os
import uuid

import pytest

from tests.browser import CHROMIUM, Site
from tests.kiosk.pairing import pairing_codes

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")


@pytest.fixture
def server(db: None, dev_site: Site) -> str:
    # `db` lets the test reach the test database; this test itself queries nothing, so its
    # open transaction holds no lock that the server's writes would wait for.
    return dev_site.url("tower.localhost")


def test_a_walk_in_checks_in_prints_a_badge_and_checks_out_in_dutch(server, browser):

    run = uuid.uuid4().hex[:8]
    first, last = f"Bram{run}", "Browser"
    (code,) = pairing_codes(browser, server, 1, name="Browser kiosk")

    tablet = browser.new_context(locale="nl-BE", viewport={"width": 1024, "height": 768}).new_page()
    tablet.goto(f"{server}/kiosk/")
    assert tablet.url.endswith("/kiosk/pair/")
    tablet.fill("input[name=code]", code)
    tablet.click("button[type=submit]")
    tablet.click("button[value=nl]")
    assert tablet.locator("html").get_attribute("lang") == "nl"
    assert "Ik heb een uitnodiging" in tablet.content()

    tablet.click("a[href='/kiosk/walk-in/']")
    tablet.click("button.kiosk-company:has-text('Globex Consulting')")
    assert tablet.locator("input[name=first_name]").get_attribute("autocomplete") == "off"
    tablet.fill("input[name=first_name]", first)
    tablet.fill("input[name=last_name]", last)
    tablet.fill("input[name=visitor_company]", "Testbedrijf")
    tablet.fill("input[name=email]", f"{run}@example.org")
    assert "Privacyverklaring" in tablet.content()
    tablet.check("input[name=accept_notice]")
    tablet.click("button.primary")
    assert tablet.url.endswith("/kiosk/done/")
    assert f"Welkom, {first}" in tablet.content()
    assert first not in tablet.title()

    tablet.click("a[href='/kiosk/badge/']")
    tablet.wait_for_load_state("load")  # badge.css too: its print rules are checked below
    assert tablet.url.endswith("/kiosk/badge/")
    badge = tablet.locator(".badge-label")
    assert first in badge.inner_text() and "Globex Consulting" in badge.inner_text()
    assert "Scan aan de kiosk wanneer u vertrekt." in badge.inner_text() and badge.locator("svg").count() == 1
    badge_code = tablet.locator(".badge-code").inner_text().strip()
    tablet.emulate_media(media="print")
    assert not tablet.locator(".kiosk-head").is_visible() and badge.is_visible()
    width = badge.evaluate("el => el.getBoundingClientRect().width")
    assert 225 < width < 240  # 62 mm at 96 dpi
    tablet.emulate_media(media="screen")

    tablet.click("button[form=kiosk-reset]")  # "Klaar": back to the start
    assert tablet.url.endswith("/kiosk/") and tablet.locator("input[name=code]").is_visible()
    tablet.go_back()
    assert first not in tablet.content()

    tablet.goto(f"{server}/kiosk/")
    tablet.click("button[value=nl]")
    tablet.click("a[href='/kiosk/check-out/']")
    tablet.fill("input[name=code]", badge_code)
    tablet.click("button.primary")
    assert "U bent uitgecheckt" in tablet.content()
    assert badge_code not in tablet.url and first not in tablet.content()
