"""In headless Chromium: the page where a visitor fills in their own details, on the company's host, in their
language, with the language switch, the privacy notice, a form error in the chosen language, and the licence plate
the building asks for; sent once, it thanks them. Screenshots of the form and of its errors go to the test's
temporary folder (pytest's --basetemp), to look at.

The server is the session's `runserver` on the test database: what it needs is written on a connection of its own
(committed) and removed after.
"""

import datetime as dt
import os
import uuid
from typing import Any

import pytest

from tests.browser import CHROMIUM
from tests.kiosk.test_kiosk_ux_browser import _committed

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")


def _ask(email: str) -> tuple[int, str]:
    """A visit of acme whose visitor (French) fills in their own details, and the path of its link; the tower asks
    for the licence plate."""
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from shared_apps.accounts.models import User
    from shared_apps.tenancy.models import Building, Tenant
    from tenant_apps.visits.models import Host, Visit
    from tenant_apps.visits.self_registration import DetailsRequest, details_token, visit_details_request
    from tenant_apps.visits.services import Actor

    def work() -> tuple[int, str]:
        Building.objects.filter(slug="tower").update(asks_licence_plate=True)
        with tenant_context(Tenant.objects.get(schema_name="acme")):
            admin = User.objects.get(email="admin@acme.example")
            host = Host.objects.filter(is_active=True).order_by("pk").first()
            start = timezone.now() + dt.timedelta(days=2)
            visit = visit_details_request(
                request=DetailsRequest(email=email, language="fr", host=host, expected_start=start,
                                       expected_end=start + dt.timedelta(hours=2), purpose="Atelier"),
                actor=Actor(label=admin.email, channel=Visit.Channel.INVITATION, user=admin),
            )  # fmt: skip
            return visit.pk, f"/register/{details_token(visit)}/"

    return _committed(work)


def _clean(visit_id: int) -> None:
    from django_tenants.utils import tenant_context

    from shared_apps.tenancy.models import Building, Tenant
    from tenant_apps.visits.models import Visit, Visitor

    def work() -> Any:
        Building.objects.filter(slug="tower").update(asks_licence_plate=False)
        with tenant_context(Tenant.objects.get(schema_name="acme")):
            visitor_id = Visit.objects.get(pk=visit_id).visitor_id
            Visit.objects.filter(pk=visit_id).delete()
            Visitor.objects.filter(pk=visitor_id).delete()

    _committed(work)


def _state(visit_id: int) -> tuple[str, str, Any]:
    from django_tenants.utils import tenant_context

    from shared_apps.tenancy.models import Tenant
    from tenant_apps.visits.models import Visit

    def work() -> tuple[str, str, Any]:
        with tenant_context(Tenant.objects.get(schema_name="acme")):
            visit = Visit.objects.select_related("visitor").get(pk=visit_id)
            return visit.visitor.last_name, visit.licence_plate, visit.details_requested_at

    return _committed(work)


def test_a_visitor_fills_in_their_details_in_their_language(db, dev_site, browser, tmp_path):
    email = f"amelie-{uuid.uuid4().hex[:6]}@example.org"
    visit_id, path = _ask(email)
    try:
        page = browser.new_context(locale="en-BE", viewport={"width": 1100, "height": 1400}).new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(dev_site.url("acme.localhost") + path)
        assert page.get_attribute("html", "lang") == "fr"  # the visitor's language, not the browser's
        assert page.is_visible("details.visitor-document")  # the privacy notice, as on the kiosk
        assert page.is_visible("input[name=licence_plate]")  # the building asks for it
        page.screenshot(path=str(tmp_path / "self-registration-form.png"), full_page=True)

        with page.expect_navigation():
            page.select_option("#language", "nl")  # the page's language switch
        assert page.get_attribute("html", "lang") == "nl"
        page.fill("input[name=last_name]", "Aubert")
        page.fill("input[name=licence_plate]", "1-ABC-234!")
        with page.expect_navigation():
            page.click("form.form-card button[type=submit]")
        text = page.content()
        assert "Dit veld is vereist." in text  # the first name, in the chosen language
        assert page.is_visible("#id_licence_plate_error")
        page.screenshot(path=str(tmp_path / "self-registration-errors.png"), full_page=True)
        assert _state(visit_id)[0] == ""  # nothing stored

        page.fill("input[name=first_name]", "Amélie")
        page.fill("input[name=licence_plate]", "1-abc-234")
        page.check("input[name=accept_notice]")
        with page.expect_navigation():
            page.click("form.form-card button[type=submit]")
        assert page.is_visible("[data-self-registration=done]")
        assert _state(visit_id)[:2] == ("Aubert", "1-ABC-234") and _state(visit_id)[2] is None
        assert not errors, errors  # nothing refused by the CSP, no script error
    finally:
        _clean(visit_id)
