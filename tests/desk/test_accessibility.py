"""In headless Chromium, the desk has no serious or critical axe-core violation: its sign-in, the board (with a
search, one without results and the left section open), the walk-in form (blank and with its errors), the evacuation
list, the kiosks page and a visit's confirmations (issue #23, "Accessibility")."""

import os
import uuid

import pytest

from tests.browser import CHROMIUM, LANDSCAPE, axe_serious, axe_sign_in_pages, invite_today, sign_in_at_the_desk

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")


def test_no_desk_page_has_a_serious_or_critical_axe_violation(db, dev_site, browser):
    first = f"Ada{uuid.uuid4().hex[:6]}"
    invite_today(first, "fr")  # one expected row, with its actions
    found: list[str] = []
    port = dev_site.port
    url = f"http://tower.localhost:{port}"
    page = browser.new_context(viewport=LANDSCAPE, locale="en-BE").new_page()
    found += axe_sign_in_pages(page, url, email="desk@tower.example")
    sign_in_at_the_desk(page, url)
    found += axe_serious(page)  # the board
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    found += axe_serious(page)  # the collapsed section (left) open
    page.fill("input[name=q]", "Nobody-at-all")
    page.locator("form[data-board-filters] button[type=submit]").first.click()
    page.wait_for_load_state()
    found += axe_serious(page)  # a search without results
    page.fill("input[name=q]", first)  # the filters stay for the session: the board shows this visitor
    page.locator("form[data-board-filters] button[type=submit]").first.click()
    page.wait_for_load_state()
    found += axe_serious(page)  # a search
    cancel = page.locator("a[data-focus-key^=cancel-]").first.get_attribute("href")
    page.goto(f"{url}{cancel}")
    found += axe_serious(page)  # the cancel confirmation
    page.goto(f"{url}/desk/walk-in/")
    found += axe_serious(page)  # the walk-in form
    page.locator("main form button.primary, main form button[type=submit]").last.click()
    page.wait_for_load_state()
    found += axe_serious(page)  # with its errors
    page.goto(f"{url}/desk/evacuation/")
    found += axe_serious(page)  # the evacuation list
    page.goto(f"{url}/desk/kiosks/")
    found += axe_serious(page)  # the kiosks
    page.goto(f"{url}/accounts/security/")
    found += axe_serious(page)  # the account's security page
    assert found == [], "\n".join(found)
