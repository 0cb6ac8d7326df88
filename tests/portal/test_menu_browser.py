"""In headless Chromium at the desk screen's width (1280 px), the portal's menu keeps every item on one line in each
language, the longest menu (the notification pages') included: below a wide screen it takes a row of its own."""

import os

import pytest

from tests.browser import CHROMIUM, LANDSCAPE, sign_in

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")


@pytest.mark.parametrize("locale", ["fr-BE", "nl-BE", "de-BE", "en-BE"])
def test_the_menu_items_stand_on_one_line(db, dev_site, browser, locale):
    url = f"http://acme.localhost:{dev_site.port}"
    page = browser.new_context(viewport=LANDSCAPE, locale=locale).new_page()
    sign_in(page, url, email="admin@acme.example", schema="acme")
    for path in ("/", "/notifications/settings/"):
        page.goto(f"{url}{path}")
        tops = page.eval_on_selector_all(".topnav a", "links => links.map(link => link.getBoundingClientRect().top)")
        assert len(tops) >= 8 and max(tops) - min(tops) < 2, (locale, path, tops)
