"""In headless Chromium, issue #22's "Done when": a visitor's invitation e-mail (console backend) has a privacy
link whose page, in the visitor's language, lets them download their data and object; the admin sees the request
with its deadline; creating a visit for that person afterwards is refused."""

import email
import json
import re
import uuid
from pathlib import Path

from tests.browser import Site, sign_in


def _sign_in(page, url: str) -> None:
    sign_in(page, url, "admin@acme.example", "acme")
    page.wait_for_url(f"{url}/")


def _new_visit(page, url: str, address: str) -> None:
    page.goto(f"{url}/visits/new/")
    page.fill("main input[name=first_name]", "Noor")
    page.fill("main input[name=last_name]", "Janssens")
    page.fill("main input[name=email]", address)
    page.select_option("main select[name=language]", "nl")
    page.fill("main input[name=expected_start]", "2031-03-04T09:00")
    page.fill("main input[name=expected_end]", "2031-03-04T10:30")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def _privacy_link(console: Path, address: str) -> str:
    """The privacy link of the invitation sent to `address`, read from the console backend's output."""
    for raw in console.read_bytes().split(b"-" * 79):
        text = raw.decode(errors="replace")
        if f"To: {address}" not in text:
            continue
        text = text[text.index("Content-Type:") :]  # the server's own output may come first
        plain = next(part for part in email.message_from_string(text).walk() if part.get_content_type() == "text/plain")
        body = bytes(plain.get_payload(decode=True)).decode()
        found = re.search(r"https?://\S+/p/[^/\s]+/", body)
        assert found and "Uw gegevens" in body and "admin@acme.example" in body, body
        return found.group(0)
    raise AssertionError(f"no e-mail to {address}")


def test_a_visitor_downloads_their_data_and_objects_from_the_invitation_link(db, dev_site: Site, browser):
    from playwright.sync_api import expect

    address = f"noor.{uuid.uuid4().hex[:8]}@example.org"
    url = dev_site.url("acme.localhost")
    admin = browser.new_context().new_page()
    _sign_in(admin, url)
    _new_visit(admin, url, address)
    assert "/new/" not in admin.url, admin.locator("main").inner_text()

    link = _privacy_link(dev_site.output, address)
    link = re.sub(r"^https?://[^/]+", url, link)  # the dev server's port
    visitor = browser.new_context(accept_downloads=True).new_page()
    visitor.goto(link)
    expect(visitor.locator("html")).to_have_attribute("lang", "nl")
    expect(visitor.locator("h1")).to_have_text("Uw gegevens")
    expect(visitor.locator("main")).to_contain_text("verwacht")  # the state's label, in Dutch
    with visitor.expect_download() as download:
        visitor.get_by_text("Mijn gegevens downloaden (JSON)").click()
    record = json.loads(Path(download.value.path()).read_text())
    assert {e["field"]: e["value"] for e in record["person"]}["email"] == address
    assert record["language"] == "nl" and len(record["visits"]) == 1

    visitor.check("input[name=kind][value=objection]")
    visitor.check("input[name=confirm]")
    visitor.get_by_role("button", name="Bevestigen").click()
    expect(visitor.locator("h1")).to_have_text("Uw bezwaar is geregistreerd")
    gone = visitor.goto(link)
    assert gone is not None and gone.status == 404

    admin.goto(f"{url}/privacy/requests/")
    row = admin.locator("tr", has_text="Objection")
    expect(row.first).to_contain_text(re.compile(r"\d{1,2}-\d{1,2}-\d{4}"))
    _new_visit(admin, url, address)
    assert admin.url.endswith("/visits/new/")
    expect(admin.locator("main")).to_contain_text("objected")
