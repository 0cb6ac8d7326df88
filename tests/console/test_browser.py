"""In headless Chromium, without a shell: IT creates a building in the console, invites its first desk person from
the building's desk-staff page, and that person follows the e-mailed link, chooses a password, sets up the second
factor and reaches the desk."""

import re
import time
import uuid
from pathlib import Path

import pytest

from tests.browser import Site, sign_in
from tests.two_factor import code_for_browser

DESK_PASSWORD = "a-sturdy-desk-passphrase-7"


def _invitation_link(mail_log: Path, host: str, port: int) -> str:
    """The set-password link of the invitation the server printed (console e-mail backend), on the test's port."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = re.search(rf"http://{re.escape(host)}(?::\d+)?(/accounts/set-password/\S+)", mail_log.read_text())
        if found:
            return f"http://{host}:{port}{found.group(1)}"
        time.sleep(0.2)
    raise AssertionError(f"no invitation to {host} was sent:\n{mail_log.read_text()}")


@pytest.mark.django_db
def test_it_staffs_a_new_building_from_the_console_and_the_desk_signs_in(dev_site: Site, browser):
    from playwright.sync_api import expect

    slug = f"dock-{uuid.uuid4().hex[:6]}"
    schema = slug.replace("-", "_")
    email = f"first.desk@{slug}.example"
    mail_log, port = dev_site.output, dev_site.port
    it = browser.new_context().new_page()
    sign_in(it, f"http://localhost:{port}", "it@checkin.example", "public")

    it.goto(f"http://localhost:{port}/console/buildings/new/")
    it.fill("input[name=name]", "Dock Offices")
    it.fill("input[name=slug]", slug)
    it.click("main button[type=submit]")
    it.wait_for_url(f"**/console/buildings/{slug}/")
    it.get_by_role("link", name="Desk staff").click()
    expect(it.locator("main")).to_contain_text("Nobody staffs this desk yet")
    it.fill("input[name=email]", email)
    it.fill("input[name=full_name]", "First Desk")
    it.click("main form.console-form button[type=submit]")
    expect(it.locator("main")).to_contain_text(f"The invitation is on its way to {email}")
    expect(it.locator(f'tr[data-account="{email}"]')).to_contain_text("invited")

    desk = browser.new_context().new_page()
    desk.goto(_invitation_link(mail_log, f"{slug}.localhost", port))
    desk.fill("input[name=new_password1]", DESK_PASSWORD)
    desk.fill("input[name=new_password2]", DESK_PASSWORD)
    desk.click("main button[type=submit]")
    desk.wait_for_url("**/accounts/login/")
    desk.fill("input[name=username]", email)
    desk.fill("input[name=password]", DESK_PASSWORD)
    desk.click("main button[type=submit]")
    desk.wait_for_url("**/accounts/two-factor/setup/")  # the desk requires a second factor: set it up
    desk.fill("input[name=code]", code_for_browser(schema, email))
    desk.click("main button[type=submit]")
    desk.get_by_role("link", name="I have saved them").click()
    desk.wait_for_url("**/desk/")

    it.reload()
    expect(it.locator(f'tr[data-account="{email}"]')).to_contain_text("active")
