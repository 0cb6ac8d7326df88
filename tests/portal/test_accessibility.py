"""In headless Chromium, the company portal has no serious or critical axe-core violation: sign-in (with its error),
today, the visits lists, a new visit (blank and with its errors), a visit's page, the settings, hosts and the privacy
pages (issue #23, "Accessibility")."""

import os

import pytest

from tests.browser import CHROMIUM, LANDSCAPE, axe_serious, axe_sign_in_pages, sign_in

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
PAGES = (
    "/", "/visits/upcoming/", "/visits/history/", "/visits/import/", "/hosts/", "/hosts/new/", "/users/",
    "/settings/", "/notifications/settings/", "/privacy/", "/privacy/retention/", "/privacy/exports/",
    "/privacy/people/", "/privacy/requests/", "/audit/",
)  # fmt: skip


def test_no_portal_page_has_a_serious_or_critical_axe_violation(db, dev_site, browser):
    found: list[str] = []
    port = dev_site.port
    url = f"http://acme.localhost:{port}"
    page = browser.new_context(viewport=LANDSCAPE, locale="en-BE").new_page()
    found += axe_sign_in_pages(page, url, email="admin@acme.example")
    sign_in(page, url, email="admin@acme.example", schema="acme")
    page.wait_for_url(f"{url}/")
    for path in PAGES:
        response = page.goto(f"{url}{path}")
        assert response is not None and response.ok, path
        found += axe_serious(page)
    page.goto(f"{url}/visits/new/")
    found += axe_serious(page)  # a new visit
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    found += axe_serious(page)  # with its errors
    page.goto(f"{url}/visits/upcoming/")
    page.goto(f"{url}/visits/history/")
    visit = page.locator("a.visit-link").first.get_attribute("href")
    page.goto(f"{url}{visit}")
    found += axe_serious(page)  # a visit's page
    assert found == [], "\n".join(found)
