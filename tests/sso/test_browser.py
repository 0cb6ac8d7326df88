"""In headless Chromium: globex's admin configures single sign-on on the settings page, then a person of the
directory signs in through the real provider (tests/oidc_provider) and lands in globex's portal, account made.

The server is the session's `runserver` subprocess on the test database (tests/browser.py): what it commits
(the account, under a name unique to this run) stays; the configuration is removed at the end through the same
page.
"""

import os
import uuid
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, Site
from tests.oidc_provider.running import PASSWORD, provider_running

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
SCREENS = Path(os.environ.get("CHECKIN_SCREENS_DIR", "/tmp"))


@pytest.fixture
def server(db: None, dev_site: Site) -> int:
    return dev_site.port


def test_a_directory_member_signs_in_to_globex_through_its_identity_provider(server, browser):
    run = uuid.uuid4().hex[:8]
    email = f"chromium.{run}@globex.example"
    config = {
        "users": [{"email": email, "password": PASSWORD, "first_name": "Chris", "last_name": f"Chromium {run}",
                   "groups": ["staff"]}],
        "clients": [{"client_id": "globex-browser", "client_secret": "browser-secret-123",
                     "redirect_uris": [f"http://globex.localhost:{server}/sso/callback/"]}],
    }  # fmt: skip
    base = f"http://globex.localhost:{server}"
    with provider_running(config) as issuer:
        admin = browser.new_context().new_page()
        admin.goto(f"{base}/accounts/login/")
        admin.fill("input[name=username]", "admin@globex.example")
        admin.fill("input[name=password]", "checkin-demo-2026")
        admin.click("main button[type=submit]")
        admin.wait_for_url(f"{base}/")
        admin.goto(f"{base}/settings/")
        admin.click("a[href='/settings/sso/']")
        assert admin.locator("#sso-callback").inner_text() == f"{base}/sso/callback/"
        admin.fill("input[name=name]", "Globex ID")
        admin.fill("input[name=issuer]", issuer)
        admin.fill("input[name=client_id]", "globex-browser")
        admin.fill("input[name=client_secret]", "browser-secret-123")
        admin.fill("input[name=allowed_domains]", "globex.example")
        admin.fill("input[name=admin_values]", "checkin-admins")
        admin.check("input[name=create_accounts]")
        admin.click("form.form-card button.primary")
        assert "Single sign-on is saved." in admin.content()
        admin.screenshot(path=str(SCREENS / "sso-settings.png"), full_page=True)

        person = browser.new_context(locale="fr-BE").new_page()
        person.goto(f"{base}/accounts/login/")
        person.screenshot(path=str(SCREENS / "sso-login.png"), full_page=True)
        person.click("a.sso-button:has-text('Se connecter avec Globex ID')")
        person.wait_for_url(f"{issuer.rsplit('/o', 1)[0]}/login/**")
        person.fill("input[name=username]", email)
        person.fill("input[name=password]", PASSWORD)
        person.click("button[type=submit]")
        person.wait_for_url(f"{base}/")
        assert f"Chris Chromium {run}" in person.content()
        person.goto(f"{base}/settings/sso/")
        assert person.locator("h1").inner_text() != "Authentification unique"  # a member: not the admin's page

        admin.once("dialog", lambda dialog: dialog.accept())
        admin.click("form[action='/settings/sso/remove/'] button")
        assert "Single sign-on is removed." in admin.content()
