"""In headless Chromium: a visitor opens the company's short privacy page (as printed on the kiosk's notice and the
badge), types their address and finds their own link in the e-mail; an unknown address gets the same answer."""

import email
import os
import re
import uuid
from pathlib import Path

from tests.browser import Site
from tests.privacy.test_person_page_browser import _new_visit, _sign_in

SHOTS = os.environ.get("CHECKIN_SCREENSHOTS", "")  # a folder: the pages are saved there as PNG


def _link_mail(console: Path, address: str) -> str:
    """The privacy-link e-mail's personal link to `address`, read from the console backend's output."""
    for raw in console.read_bytes().split(b"-" * 79):
        text = raw.decode(errors="replace")
        if f"To: {address}" not in text or "/p/" not in text or "privacylink" not in text:
            continue
        body = email.message_from_string(text[text.index("Content-Type:") :]).get_payload(decode=True)
        found = re.search(r"https?://\S+/p/[^/\s]+/", bytes(body).decode())
        assert found, body
        return found.group(0)
    raise AssertionError(f"no privacy-link e-mail to {address}")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_visitor_gets_their_own_link_from_the_short_page(db, dev_site: Site, browser):
    from playwright.sync_api import expect

    address = f"noor.{uuid.uuid4().hex[:8]}@example.org"
    url = dev_site.url("acme.localhost")
    admin = browser.new_context().new_page()
    _sign_in(admin, url)
    _new_visit(admin, url, address)  # Noor, who speaks Dutch
    assert "/new/" not in admin.url, admin.locator("main").inner_text()

    visitor = browser.new_context().new_page()
    visitor.goto(f"{url}/privacy/me/?lang=fr")
    expect(visitor.locator("html")).to_have_attribute("lang", "fr")
    _shot(visitor, "privacy-me")
    visitor.fill("input[name=email]", address.upper())
    visitor.get_by_role("button", name="Envoyez-moi mon lien").click()
    expect(visitor.get_by_role("heading", name="Consultez vos e-mails")).to_be_visible()
    _shot(visitor, "privacy-me-sent")
    answer = visitor.locator("main").inner_text()

    stranger = browser.new_context().new_page()
    stranger.goto(f"{url}/privacy/me/?lang=fr")
    stranger.fill("input[name=email]", f"nobody.{uuid.uuid4().hex[:8]}@example.org")
    stranger.get_by_role("button", name="Envoyez-moi mon lien").click()
    expect(stranger.get_by_role("heading", name="Consultez vos e-mails")).to_be_visible()
    assert stranger.locator("main").inner_text() == answer  # nothing tells the two apart

    link = re.sub(r"^https?://[^/]+", url, _link_mail(dev_site.output, address))
    visitor.goto(link)
    expect(visitor.locator("html")).to_have_attribute("lang", "nl")  # Noor's own language
    expect(visitor.locator("h1")).to_have_text("Uw gegevens")
    # Leave nothing committed behind: Noor objects, which erases her.
    visitor.check("input[name=kind][value=objection]")
    visitor.check("input[name=confirm]")
    visitor.get_by_role("button", name="Bevestigen").click()
    expect(visitor.locator("h1")).to_have_text("Uw bezwaar is geregistreerd")
