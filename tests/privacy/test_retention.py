"""The retention setting: page and API, bounds, confirmation before shortening, audit, building default."""

import datetime as dt

from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from shared_apps.provisioning.companies import company_create
from tenant_apps.visits.selectors import company_settings
from tests.privacy.conftest import person, set_retention, visit

DAY = dt.timedelta(days=1)


def _retention(company) -> int:
    with tenant_context(company):
        return company_settings().retention_days


def test_the_page_explains_the_setting_in_plain_words(acme_admin):
    page = acme_admin.get("/privacy/retention/").content.decode()
    assert "How long visits are kept" in page and "deletes it for good" in page
    assert 'min="1"' in page and 'max="3650"' in page


def test_shortening_shows_what_the_next_purge_deletes_and_waits_for_confirmation(acme, acme_admin):
    with tenant_context(acme):
        set_retention(365)
        visit(person(), ended=dt.datetime.now(dt.UTC) - 100 * DAY)
        visit(person(email="b@example.org"), ended=dt.datetime.now(dt.UTC) - 10 * DAY)
    page = acme_admin.post("/privacy/retention/", {"retention_days": "30"})
    assert page.status_code == 200
    assert "1 visit will be deleted" in page.content.decode()
    assert _retention(acme) == 365
    done = acme_admin.post("/privacy/retention/", {"retention_days": "30", "confirmed": "on"})
    assert done.status_code == 302
    assert _retention(acme) == 30
    entry = AuditEntry.objects.get(action="retention.update", tenant_schema="acme")
    assert (entry.actor, entry.details) == ("admin@acme.example", {"old": 365, "new": 30})


def test_lengthening_needs_no_confirmation(acme, acme_admin):
    assert acme_admin.post("/privacy/retention/", {"retention_days": "400"}).status_code == 302
    assert _retention(acme) == 400


def test_it_refuses_a_period_outside_the_platform_bounds(acme, acme_admin, settings):
    settings.CHECKIN_RETENTION_MAX_DAYS = 500
    for bad in ("0", "501", "x"):
        page = acme_admin.post("/privacy/retention/", {"retention_days": bad, "confirmed": "on"})
        assert page.status_code == 200 and 'class="errorlist' in page.content.decode(), bad
    assert _retention(acme) == 365
    assert not AuditEntry.objects.filter(action="retention.update").exists()


def test_only_the_company_admins_change_it(acme_member, tower_desk, client_for):
    assert acme_member.get("/privacy/retention/").status_code == 404
    assert acme_member.post("/privacy/retention/", {"retention_days": "5", "confirmed": "on"}).status_code == 404
    assert tower_desk.get("/privacy/retention/").status_code == 404
    assert client_for("acme.localhost").get("/privacy/retention/").status_code == 302


def test_the_api_reads_and_changes_it_with_confirmation(acme, acme_admin):
    with tenant_context(acme):
        visit(person(), ended=dt.datetime.now(dt.UTC) - 100 * DAY)
    body = acme_admin.get("/privacy/api/retention/").json()
    assert body["retention_days"] == 365 and body["min_days"] == 1 and body["max_days"] == 3650
    refused = acme_admin.put("/privacy/api/retention/", {"retention_days": 30}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "confirmation_needed"
    assert refused.json()["next_purge_visits"] == 1 and "confirm=true" in refused.json()["detail"]
    bad = acme_admin.put("/privacy/api/retention/", {"retention_days": 0}, content_type="application/json")
    assert bad.status_code == 400 and "retention_days" in bad.json()
    done = acme_admin.put(
        "/privacy/api/retention/", {"retention_days": 30, "confirm": True}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["retention_days"] == 30
    assert AuditEntry.objects.get(action="retention.update").details == {"old": 365, "new": 30}


def test_a_patch_changes_only_what_it_sends(acme, acme_admin):
    """PATCH is partial, as its OpenAPI schema says: no `retention_days` leaves the period as it is."""
    for body in ({}, {"confirm": True}):
        response = acme_admin.patch("/privacy/api/retention/", body, content_type="application/json")
        assert response.status_code == 200 and response.json()["retention_days"] == 365
    assert acme_admin.put("/privacy/api/retention/", {}, content_type="application/json").status_code == 400
    response = acme_admin.patch("/privacy/api/retention/", {"retention_days": 400}, content_type="application/json")
    assert response.status_code == 200 and _retention(acme) == 400


def test_the_api_is_for_admins_only(acme_member, globex_admin, client_for):
    assert acme_member.get("/privacy/api/retention/").status_code == 404
    assert (
        acme_member.put("/privacy/api/retention/", {"retention_days": 9}, content_type="application/json").status_code
        == 404
    )
    assert (
        client_for("acme.localhost").get("/privacy/api/retention/").status_code == 401
    )  # with WWW-Authenticate: Bearer
    assert globex_admin.get("/privacy/api/retention/").json()["retention_days"] == 365  # its own, not acme's


def test_a_new_company_starts_with_its_buildings_default(harbour):
    harbour.default_retention_days = 90
    harbour.save()
    company = company_create(building=harbour, slug="umbrella", name="Umbrella")
    assert _retention(company) == 90


def test_the_overview_shows_the_next_purge_to_members_too(acme, acme_member):
    with tenant_context(acme):
        visit(person(), ended=dt.datetime.now(dt.UTC) - 400 * DAY)
    page = acme_member.get("/privacy/").content.decode()
    assert "Next automatic deletion" in page
    assert '<div class="stat-value">1</div><div class="stat-label">Visits it will delete' in page
