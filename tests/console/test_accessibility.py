"""In headless Chromium, IT's console has no serious or critical axe-core violation: sign-in (with its error), the
buildings, a building with its branding and documents, its desk staff, a new building with its errors, the companies
and a company (issue #23, "Accessibility")."""

import os

import pytest

from tests.browser import CHROMIUM, LANDSCAPE, axe_serious, axe_sign_in_pages, sign_in

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
PAGES = (
    "/", "/console/buildings/tower/", "/console/buildings/tower/documents/", "/console/buildings/tower/desk-staff/",
    "/console/companies/", "/console/companies/acme/", "/console/companies/new/", "/console/audit/",
    "/console/sign-ins/", "/console/tokens/",
)  # fmt: skip


def test_no_console_page_has_a_serious_or_critical_axe_violation(db, dev_site, browser):
    found: list[str] = []
    port = dev_site.port
    url = f"http://localhost:{port}"
    page = browser.new_context(viewport=LANDSCAPE, locale="en-BE").new_page()
    found += axe_sign_in_pages(page, url, email="it@checkin.example")
    sign_in(page, url, email="it@checkin.example", schema="public")
    for path in PAGES:
        response = page.goto(f"{url}{path}")
        assert response is not None and response.ok, path
        found += axe_serious(page)
    page.goto(f"{url}/console/buildings/new/")
    found += axe_serious(page)  # a new building
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    found += axe_serious(page)  # with its errors
    assert found == [], "\n".join(found)
