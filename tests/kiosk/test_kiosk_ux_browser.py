"""In headless Chromium, on a tablet in both orientations: the invited visitor's code read on the first screen, a
walk-in that reaches its host or the company's reception by e-mail, a 40-character name on one label of each size,
and no serious or critical axe-core violation on any kiosk screen.

The server is the session's `runserver` subprocess on the test database (tests/browser.py); it sees only committed
rows, so what a test needs beforehand (an invitation, a setting) is written on a connection of its own (`_committed`)
and put back after, saved as a page would save it: the server's brief memories of settings forget them at once.

The camera: Chromium on Linux has no BarcodeDetector (the Shape Detection API ships on macOS, ChromeOS and Android
only), so a fake camera (`--use-fake-device-for-media-stream`) would show a QR code that nothing decodes. The
screen hides its camera preview there and keeps the typed field; these tests drive the decoder hook that a detected
code calls (`window.checkinKiosk.scanned`), and the typed field.
"""

import os
import re
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connections

from tests.browser import CHROMIUM, Site
from tests.kiosk.pairing import pairing_codes

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

LANDSCAPE: "ViewportSize" = {"width": 1280, "height": 800}
PORTRAIT: "ViewportSize" = {"width": 800, "height": 1280}
FORTY = ("Maximiliane-Theodora", "Vandenbroucke-Uytte")  # 40 characters with the space
SERIOUS = {"serious", "critical"}


def _committed(work: Callable[[], Any]) -> Any:
    """Run `work` on a connection of its own (committed at once: the dev server sees it), off Playwright's loop."""

    def run() -> Any:
        try:
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def server(db: None, dev_site: Site) -> tuple[str, Path]:
    """The tower's URL on the session's dev server, and the server's output (its e-mails)."""
    return dev_site.url("tower.localhost"), dev_site.output


def _tablet(browser, url: str, code: str, viewport: "ViewportSize", locale: str = "en-BE"):
    tablet = browser.new_context(locale=locale, viewport=viewport).new_page()
    tablet.goto(f"{url}/kiosk/")
    tablet.fill("input[name=code]", code)
    tablet.click("button[type=submit]")
    tablet.wait_for_url("**/kiosk/")
    return tablet


def _in_view(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    viewport = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= viewport["height"]
        and box["x"] >= 0
        and (box["x"] + box["width"] <= viewport["width"])
    )


def _font_px(page, selector: str) -> float:
    return float(page.locator(selector).first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))


def _axe_serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{page.url} {violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def _invite_today(first: str, language: str) -> str:
    import datetime as dt

    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from shared_apps.tenancy.models import Tenant
    from tenant_apps.visits.models import Visit, Visitor
    from tenant_apps.visits.services import Actor, visit_register

    def work() -> str:
        acme = Tenant.objects.get(schema_name="acme")
        now = timezone.now()
        with tenant_context(acme):
            visitor = Visitor.objects.create(first_name=first, last_name="Scanner", language=language)
            end = now + dt.timedelta(hours=2)
            visit = visit_register(visitor=visitor, host=None, expected_start=now, expected_end=end, purpose="",
                                   actor=Actor(label="test", channel=Visit.Channel.INVITATION))  # fmt: skip
            return visit.code

    return str(_committed(work))


def test_an_invited_visitor_checks_in_from_the_first_screen_in_the_invitations_language(server, browser):

    url, _output = server
    first = f"Ines{uuid.uuid4().hex[:6]}"
    code = _invite_today(first, "nl")
    landscape, portrait = pairing_codes(browser, url, 2, name="UX kiosk")
    for pairing, viewport in ((landscape, LANDSCAPE), (portrait, PORTRAIT)):
        tablet = _tablet(browser, url, pairing, viewport)
        # The first screen: the code at once, beside walk-in and check-out, all in view without scrolling.
        for selector in ("input[name=code]", "form[data-scan-form] button.primary",
                         "a[href='/kiosk/walk-in/']", "a[href='/kiosk/check-out/']"):  # fmt: skip
            assert _in_view(tablet, selector), (viewport, selector)
        assert _font_px(tablet, "form[data-scan-form] button.primary") >= _font_px(tablet, ".kiosk-language")
        assert tablet.evaluate("'BarcodeDetector' in window") is False  # Linux Chromium: see the docstring
        assert tablet.locator("[data-scanner]").is_hidden()
        tablet.context.close()

    tablet = _tablet(browser, url, pairing_codes(browser, url, 1, name="UX kiosk")[0], LANDSCAPE)
    # What a detected QR code does: the decoder hook fills the code in and sends it.
    with tablet.expect_navigation():
        tablet.evaluate("code => window.checkinKiosk.scanned(code)", code.lower())
    assert tablet.url.endswith("/kiosk/invitation/confirm/")
    assert tablet.locator("html").get_attribute("lang") == "nl"  # the invitation's language
    assert f"Hallo {first}" in tablet.content()
    tablet.click("button.kiosk-language[value=fr]")  # and the visitor may change it
    assert tablet.url.endswith("/kiosk/invitation/confirm/")
    assert tablet.locator("html").get_attribute("lang") == "fr" and f"Bonjour {first}" in tablet.content()
    assert _in_view(tablet, "input[name=accept_notice]") or tablet.locator("input[name=accept_notice]").count()
    tablet.check("input[name=accept_notice]")
    tablet.click("form.kiosk-form button.primary")
    assert tablet.url.endswith("/kiosk/done/") and first in tablet.content()

    # The typed field works the same, and a wrong code says so on the first screen.
    tablet.goto(f"{url}/kiosk/")
    tablet.fill("input[name=code]", "ZZZZ-ZZZZ")
    tablet.click("form[data-scan-form] button.primary")
    assert tablet.locator(".kiosk-problem").is_visible()


def _settings(schema: str, **values: object) -> dict[str, object]:
    """Set a company's settings (committed); return what they were."""
    from django_tenants.utils import tenant_context

    from shared_apps.tenancy.models import Tenant
    from tenant_apps.visits.models import CompanySettings

    def work() -> dict[str, object]:
        with tenant_context(Tenant.objects.get(schema_name=schema)):
            current, _ = CompanySettings.objects.get_or_create(pk=1)
            before = {name: getattr(current, name) for name in values}
            for name, value in values.items():
                setattr(current, name, value)
            current.save(update_fields=list(values))  # a save, as the settings page makes: the server forgets
            return before

    return dict(_committed(work))


def _host_email(schema: str, name: str, email: str) -> None:
    from django_tenants.utils import tenant_context

    from shared_apps.tenancy.models import Tenant
    from tenant_apps.visits.models import Host

    def work() -> None:
        with tenant_context(Tenant.objects.get(schema_name=schema)):
            Host.objects.filter(name=name).update(email=email, notify_by=Host.Notify.EMAIL, is_active=True)

    _committed(work)


def _walk_in(tablet, url: str, company: str, first: str, last: str, *, host_search: str = "") -> str:
    tablet.goto(f"{url}/kiosk/")
    tablet.click("button.kiosk-language[value=en]")  # the building's first language is French
    tablet.click("a[href='/kiosk/walk-in/']")
    tablet.click(f"button.kiosk-company:has-text('{company}')")
    if host_search:
        assert tablet.url.endswith("/kiosk/walk-in/host/")
        tablet.fill("input[name=q]", host_search)  # results come as the visitor types (kiosk.js)
        tablet.locator(".kiosk-host-list button").first.wait_for()
        tablet.locator(".kiosk-host-list button").first.click()
    assert tablet.url.endswith("/kiosk/walk-in/details/")
    assert _in_view(tablet, ".kiosk-submit-bar button.primary")  # the main button without scrolling
    tablet.fill("input[name=first_name]", first)
    tablet.fill("input[name=last_name]", last)
    tablet.fill("input[name=email]", f"{first.lower()}@example.org")
    tablet.check("input[name=accept_notice]")
    tablet.click(".kiosk-submit-bar button.primary")
    assert tablet.url.endswith("/kiosk/done/")
    return tablet.locator(".kiosk-done .lede").inner_text()


def test_a_walk_in_reaches_the_host_found_or_the_companys_reception_by_email(server, browser):

    url, output = server
    run = uuid.uuid4().hex[:6]
    reception, host_address = f"front-{run}@globex.example", f"sophie-{run}@acme.example"
    globex_before = _settings("globex", reception_email=reception, show_hosts_on_kiosk=False)
    acme_before = _settings("acme", show_hosts_on_kiosk=True)
    _host_email("acme", "Sophie Dubois", host_address)
    try:
        tablet = _tablet(browser, url, pairing_codes(browser, url, 1, name="UX kiosk")[0], LANDSCAPE)
        told = _walk_in(tablet, url, "Globex Consulting", f"Rita{run}", "Reception")
        assert "reception of Globex Consulting" in told
        told = _walk_in(tablet, url, "Acme Logistics", f"Hank{run}", "Host", host_search="soph")
        assert "Sophie Dubois" in told
        sent = output.read_text(errors="replace")
        assert re.search(rf"To: {re.escape(reception)}\s", sent) and f"Rita{run}" in sent
        assert re.search(rf"To: {re.escape(host_address)}\s", sent) and f"Hank{run}" in sent
    finally:
        _settings("globex", **globex_before)
        _settings("acme", **acme_before)


def _badge_size(size: str) -> str:
    from shared_apps.tenancy.models import Building

    def work() -> str:
        building = Building.objects.get(slug="tower")
        before = building.badge_size
        building.badge_size = size
        building.save(update_fields=["badge_size"])  # a save, as the console makes: the server forgets the building
        return before

    return str(_committed(work))


@pytest.mark.parametrize("size", ["62x100", "54x101"])
def test_a_forty_character_name_prints_on_one_label_with_its_qr_code(server, size, browser):

    url, _output = server
    first, last = FORTY
    assert len(f"{first} {last}") == 40
    before = _badge_size(size)
    try:
        tablet = _tablet(browser, url, pairing_codes(browser, url, 1, name="UX kiosk")[0], LANDSCAPE)
        _walk_in(tablet, url, "Globex Consulting", first, last)
        tablet.click("a[href='/kiosk/badge/']")
        tablet.wait_for_load_state("load")
        tablet.locator("[data-badge-label][data-fitted]").wait_for()
        tablet.emulate_media(media="print")
        label = tablet.locator("[data-badge-label]")
        fits = label.evaluate(
            """label => {
                const name = label.querySelector('.badge-name');
                const qr = label.querySelector('.badge-qr').getBoundingClientRect();
                const box = label.getBoundingClientRect();
                return {name: name.scrollWidth <= name.clientWidth + 1,
                        qr: qr.bottom <= box.bottom + 1 && qr.right <= box.right + 1 && qr.height > 50,
                        width: box.width, height: box.height,
                        lines: Math.round(name.getBoundingClientRect().height
                                          / parseFloat(getComputedStyle(name).lineHeight))};
            }"""
        )
        assert fits["name"] and fits["qr"], fits
        assert fits["lines"] == 2, fits  # one word a line: no word split
        millimetres = (round(fits["width"] / 96 * 25.4), round(fits["height"] / 96 * 25.4))
        assert millimetres == ((62, 100) if size == "62x100" else (101, 54))
        pdf = tablet.pdf(prefer_css_page_size=True, print_background=True)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
        assert first in label.inner_text() and "Scan at the kiosk" in label.inner_text()
    finally:
        _badge_size(before)


def test_no_kiosk_screen_has_a_serious_or_critical_axe_violation(server, browser):

    url, _output = server
    code = _invite_today(f"Axel{uuid.uuid4().hex[:6]}", "de")
    acme_before = _settings("acme", show_hosts_on_kiosk=True)
    found: list[str] = []
    try:
        unpaired = browser.new_context(viewport=LANDSCAPE).new_page()
        unpaired.goto(f"{url}/kiosk/")
        found += _axe_serious(unpaired)  # the pairing screen
        tablet = _tablet(browser, url, pairing_codes(browser, url, 1, name="UX kiosk")[0], LANDSCAPE)
        found += _axe_serious(tablet)  # the first screen
        tablet.fill("input[name=code]", "ZZZZ-ZZZZ")
        tablet.click("form[data-scan-form] button.primary")
        found += _axe_serious(tablet)  # with a problem shown
        tablet.fill("input[name=code]", code)
        tablet.click("form[data-scan-form] button.primary")
        found += _axe_serious(tablet)  # the invitation's confirmation, with the notice
        tablet.click("form.kiosk-form button.primary")
        found += _axe_serious(tablet)  # its errors
        tablet.goto(f"{url}/kiosk/")
        tablet.click("a[href='/kiosk/walk-in/']")
        found += _axe_serious(tablet)  # the companies
        tablet.click("button.kiosk-company:has-text('Acme Logistics')")
        tablet.fill("input[name=q]", "an")
        tablet.click("form[data-host-search] button[type=submit]")
        found += _axe_serious(tablet)  # the host search with results
        tablet.click("button[name=host][value=none]")
        tablet.click(".kiosk-submit-bar button.primary")
        found += _axe_serious(tablet)  # the details with their errors
        tablet.fill("input[name=first_name]", "Alba")
        tablet.fill("input[name=last_name]", "Axe")
        tablet.fill("input[name=email]", "alba@example.org")
        tablet.check("input[name=accept_notice]")
        tablet.click(".kiosk-submit-bar button.primary")
        found += _axe_serious(tablet)  # done
        tablet.click("a[href='/kiosk/badge/']")
        found += _axe_serious(tablet)  # the badge
        tablet.goto(f"{url}/kiosk/check-out/")
        found += _axe_serious(tablet)  # check-out
        tablet.fill("input[name=code]", "ZZZZ-ZZZZ")
        tablet.click("form button.primary")
        found += _axe_serious(tablet)  # check-out with a problem
    finally:
        _settings("acme", **acme_before)
    assert found == []
