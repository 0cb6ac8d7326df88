"""In headless Chromium: a restricted person's row on the board carries a visible, translated mark, and its hint
says what the desk may do."""

import os

from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import Tenant
from tenant_apps.visits.models import Visit, Visitor
from tests.browser import sign_in_at_the_desk
from tests.committed import outside_the_test_transaction
from tests.desk.test_browser import live_desk  # noqa: F401 -- the fixture, shared


def _restrict(visitor_id: int | None, when: object) -> int:
    """Restrict (or lift, `when` None) a demo visitor of acme with a visit expected today, committed; their id."""
    acme = Tenant.objects.get(schema_name="acme")
    with tenant_context(acme):
        if visitor_id is None:
            expected = Visit.objects.filter(state=Visit.State.EXPECTED, expected_start__date=timezone.localdate())
            visitor_id = expected.order_by("expected_start").values_list("visitor_id", flat=True).first()
            assert visitor_id is not None, "the demo has acme visitors expected today"
        Visitor.objects.filter(pk=visitor_id).update(restricted_at=when)
    return visitor_id


def test_the_restricted_mark_is_visible_on_the_board_in_french(live_desk, browser):  # noqa: F811
    from playwright.sync_api import expect

    visitor_id = outside_the_test_transaction(lambda: _restrict(None, timezone.now()))
    try:
        page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr").new_page()
        sign_in_at_the_desk(page, live_desk)
        page.goto(f"{live_desk}/desk/?company=acme")
        mark = page.locator("tr[data-restricted=true] .badge-restricted").first
        expect(mark).to_be_visible()
        expect(mark).to_have_text("Traitement limité")
        assert "avec son accord" in (mark.get_attribute("title") or "")
        assert page.locator("tr[data-restricted=true]").count() == 1  # the one person's visit today, no other
        if os.environ.get("CHECKIN_SCREENSHOTS"):
            page.screenshot(path=os.path.join(os.environ["CHECKIN_SCREENSHOTS"], "desk-restricted.png"), full_page=True)
    finally:
        outside_the_test_transaction(lambda: _restrict(visitor_id, None))
