"""Every console page: IT gets it; anonymous users go to sign in; anyone else gets 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from shared_apps.audit.services import audit_record
from shared_apps.console.services import api_token_create
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.visits.models import Visit, Visitor

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/console/buildings/new/",
    "/console/buildings/tower/",
    "/console/buildings/tower/documents/",
    "/console/buildings/tower/desk-staff/",
    "/console/companies/",
    "/console/companies/new/",
    "/console/companies/acme/",
    "/console/audit/",
    "/console/support/",
    "/console/maintenance/",
    "/console/tokens/",
]
POSTS = [
    "/console/buildings/tower/archive/",
    "/console/buildings/tower/desk-staff/1/deactivate/",
    "/console/companies/acme/suspend/",
    "/console/companies/acme/reactivate/",
    "/console/companies/acme/remove/",
    "/console/support/1/end/",
    "/console/tokens/1/revoke/",
]


@pytest.mark.parametrize("url", PAGES)
def test_it_staff_opens_every_page(it_staff, url):
    assert it_staff.get(url).status_code == 200


@pytest.mark.parametrize("url", [*PAGES, *POSTS, "/console/support/1/"])
def test_anonymous_users_are_sent_to_sign_in(client_for, url):
    response = client_for("localhost").post(url) if url in POSTS else client_for("localhost").get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", [*PAGES, *POSTS, "/console/support/1/"])
def test_a_public_user_who_is_not_it_gets_404(public_member, url):
    response = public_member.post(url) if url in POSTS else public_member.get(url)
    assert response.status_code == 404
    assert Tenant.objects.get(slug="acme").status == Tenant.Status.ACTIVE


@pytest.mark.parametrize("host_client", ["acme_admin", "tower_desk"])
def test_the_console_does_not_exist_on_company_and_building_hosts(request, host_client):
    client = request.getfixturevalue(host_client)
    assert client.get("/console/companies/").status_code == 404
    assert client.get("/console/audit/").status_code == 404


def test_it_creates_a_building_and_a_company_from_the_console(it_staff, client_for):
    response = it_staff.post("/console/buildings/new/", {"name": "Dock", "slug": "dock", "timezone": "Europe/Brussels"})
    assert response.status_code == 302
    assert Building.objects.filter(slug="dock").exists()
    response = it_staff.post("/console/companies/new/", {"building": "dock", "name": "Pier Co", "slug": "pier-co",
                                                         "admin_email": "boss@pier.example"})  # fmt: skip
    assert response.status_code == 302, response.content
    assert client_for("pier-co.localhost").get("/accounts/login/").status_code == 200
    actions = set(AuditEntry.objects.filter(actor="it:it@checkin.example").values_list("action", flat=True))
    assert {"building.create", "company.provision"} <= actions


def test_a_refused_company_shows_the_field_error_translated(it_staff):
    it_staff.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = it_staff.post("/console/companies/new/", {"building": "tower", "name": "X", "slug": "pier",
                                                         "admin_email": "a@b.example",
                                                         "custom_domain": "x.localhost"})  # fmt: skip
    assert response.status_code == 200
    assert "choisissez un domaine" in response.content.decode()
    assert not Tenant.objects.filter(slug="pier").exists()


def test_removal_needs_the_slug_typed(it_staff, acme):
    it_staff.post("/console/companies/acme/remove/", {"confirm_slug": "nope"})
    acme.refresh_from_db()
    assert acme.status == Tenant.Status.ACTIVE


def test_suspend_from_the_console_is_audited_with_the_address(it_staff, acme, client_for):
    it_staff.post("/console/companies/acme/suspend/", REMOTE_ADDR="203.0.113.9")
    assert client_for("acme.localhost").get("/accounts/login/").status_code == 503
    entry = AuditEntry.objects.filter(action="company.suspend", tenant_schema="acme").latest("id")
    assert (entry.actor, entry.ip) == ("it:it@checkin.example", "203.0.113.9")


def test_a_token_secret_is_shown_once_and_stored_hashed(it_staff):
    response = it_staff.post("/console/tokens/", {"name": "provisioning CI"})
    secret = response.context["secret"]
    assert secret and secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert secret not in it_staff.get("/console/tokens/").content.decode()


def test_the_audit_page_filters(it_staff, it_user):
    api_token_create(user=it_user, name="one")
    response = it_staff.get("/console/audit/", {"action": "api_token", "actor": "it@checkin"})
    entries = list(response.context["page"].object_list)
    assert entries and all(entry.action == "api_token.create" for entry in entries)
    assert not it_staff.get("/console/audit/", {"tenant": "no-such"}).context["page"].object_list


def test_the_maintenance_page_counts_visits_without_showing_them(it_staff):
    response = it_staff.get("/console/maintenance/")
    slugs = [row.company.slug for row in response.context["fleet"].companies]
    assert {"acme", "globex", "initech"} <= set(slugs)
    assert all(isinstance(row.visits_today, int) for row in response.context["fleet"].companies)


@pytest.mark.parametrize("host", ["acme.localhost", "tower.localhost"])
def test_the_admin_site_is_404_on_company_and_building_hosts(client_for, host):
    assert client_for(host).get("/admin/").status_code == 404
    assert client_for(host).get("/admin/login/").status_code == 404


def test_the_admin_site_is_for_it_only(it_staff, public_member):
    assert it_staff.get("/admin/").status_code == 200
    response = public_member.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_fleet_overview_counts_each_company_and_shows_its_last_purge(it_staff, acme):
    def visits_today():
        fleet = it_staff.get("/console/maintenance/").context["fleet"]
        return {row.company.slug: row for row in fleet.companies}

    before = visits_today()
    now = timezone.now()
    with tenant_context(acme):
        visitor = Visitor.objects.create(first_name="Fleet", last_name="Counter")
        Visit.objects.create(visitor=visitor, expected_start=now, expected_end=now + datetime.timedelta(hours=1),
                             channel=Visit.Channel.DESK)  # fmt: skip
    audit_record(actor="task:purge", action="retention.purge", tenant_schema="acme", details={"visits": 3})
    after = visits_today()
    assert after["acme"].visits_today == before["acme"].visits_today + 1
    assert after["globex"].visits_today == before["globex"].visits_today
    assert after["acme"].last_purge.details == {"visits": 3} and after["globex"].last_purge is None
