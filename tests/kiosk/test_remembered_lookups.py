"""What every kiosk request reads, remembered briefly by the web process (shared_apps/database/brief_memory.py):
the device, the chosen company, the documents and the company's settings.

The suite runs with the memories off; here they are on, as in production: each lookup runs once within its time,
a revocation or a suspension is seen at once, and nothing remembered for one building answers for another.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, tenant_context

from shared_apps.provisioning.buildings import building_document_publish
from shared_apps.provisioning.companies import company_suspend
from shared_apps.tenancy.models import BuildingDocument
from tenant_apps.visits.models import CompanySettings
from tests.kiosk.conftest import choose_language, kiosk_client, pair_device


def _lookups(client, method: str, path: str, table: str, data: dict[str, object] | None = None) -> tuple[int, int]:
    """(status, how many queries read `table`) of one request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, data or {}) if method == "POST" else client.get(path)
    return response.status_code, sum(f'FROM "{table}"' in q["sql"] for q in queries.captured_queries)


def test_the_device_is_looked_up_once_within_the_time(remembering, kiosk_tower):
    choose_language(kiosk_tower)
    assert _lookups(kiosk_tower, "GET", "/kiosk/menu/", "kiosk_kiosk") == (200, 0)
    assert _lookups(kiosk_tower, "GET", "/kiosk/walk-in/", "kiosk_kiosk") == (200, 0)


def test_a_revoked_kiosk_is_refused_at_once_although_remembered(remembering, kiosk_tower, tower_desk, tower_device):
    choose_language(kiosk_tower)
    assert kiosk_tower.get("/kiosk/menu/").status_code == 200
    assert tower_desk.post(f"/desk/kiosks/{tower_device[0].pk}/revoke/", {"confirm": "yes"}).status_code == 302
    assert kiosk_tower.get("/kiosk/menu/")["Location"] == "/kiosk/pair/"


def test_a_device_remembered_in_one_building_is_worthless_in_another(remembering, client_for, tower, harbour):
    _, token = pair_device(harbour)
    harbour_tablet = kiosk_client(client_for, harbour, token)
    assert harbour_tablet.get("/kiosk/").status_code == 200
    assert harbour_tablet.get("/kiosk/").status_code == 200  # now from memory
    assert kiosk_client(client_for, tower, token).get("/kiosk/")["Location"] == "/kiosk/pair/"


def test_the_chosen_company_is_read_once_and_a_suspension_is_seen_at_once(remembering, kiosk_tower, globex):
    choose_language(kiosk_tower)
    assert _lookups(kiosk_tower, "POST", "/kiosk/walk-in/", "tenancy_tenant", {"company": globex.pk}) == (302, 1)
    assert _lookups(kiosk_tower, "GET", "/kiosk/walk-in/details/", "tenancy_tenant") == (200, 0)
    with schema_context("public"):  # as the console does it
        company_suspend(company=globex, actor="it:test")
    assert kiosk_tower.get("/kiosk/walk-in/details/")["Location"] == "/kiosk/"  # back to the start


def test_a_company_remembered_for_one_building_is_refused_in_another(remembering, client_for, harbour, kiosk_tower,
                                                                     initech):  # fmt: skip
    harbour_tablet = kiosk_client(client_for, harbour, pair_device(harbour)[1])
    choose_language(harbour_tablet)
    assert harbour_tablet.post("/kiosk/walk-in/", {"company": initech.pk})["Location"] == "/kiosk/walk-in/details/"
    choose_language(kiosk_tower)
    refused = kiosk_tower.post("/kiosk/walk-in/", {"company": initech.pk})
    assert refused.status_code == 200 and "Initech" not in refused.content.decode()


def _details_screen(client, company) -> tuple[str, int]:
    """The details screen after choosing `company`: its text, and how many queries read the documents."""
    choose_language(client)
    client.post("/kiosk/walk-in/", {"company": company.pk})
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/kiosk/walk-in/details/").content.decode()
    return page, sum('FROM "tenancy_buildingdocument"' in q["sql"] for q in queries.captured_queries)


def test_documents_are_read_once_and_a_new_version_is_shown_at_once(remembering, kiosk_tower, tower, globex):
    assert _details_screen(kiosk_tower, globex)[1] == 1
    assert _details_screen(kiosk_tower, globex)[1] == 0
    with schema_context("public"):
        building_document_publish(building=tower, kind="privacy_notice", language="en",
                                  text="Our brand new notice", actor="it:test")  # fmt: skip
    assert "Our brand new notice" in _details_screen(kiosk_tower, globex)[0]


def test_a_companys_own_rules_are_remembered_for_that_company_only(remembering, kiosk_tower, tower, acme, globex):
    BuildingDocument.objects.create(building=tower, company=globex, kind="visitor_rules", language="en",
                                    version="g1", text="Globex NDA")  # fmt: skip
    assert "Globex NDA" in _details_screen(kiosk_tower, globex)[0]
    assert "Globex NDA" not in _details_screen(kiosk_tower, acme)[0]


def _settings_reads(client, company) -> tuple[str, int]:
    """Where choosing `company` leads (the host list when it shows hosts), and how many queries read its settings."""
    choose_language(client)
    with CaptureQueriesContext(connection) as queries:
        location = client.post("/kiosk/walk-in/", {"company": company.pk})["Location"]
    return location, sum('FROM "visits_companysettings"' in q["sql"] for q in queries.captured_queries)


def test_company_settings_are_read_once_per_company_and_a_change_is_seen_at_once(remembering, kiosk_tower, acme,
                                                                                 globex):  # fmt: skip
    assert _settings_reads(kiosk_tower, globex) == ("/kiosk/walk-in/details/", 1)
    assert _settings_reads(kiosk_tower, globex) == ("/kiosk/walk-in/details/", 0)
    with tenant_context(globex):
        settings = CompanySettings.objects.get(pk=1)
        settings.show_hosts_on_kiosk = True
        settings.save()
    assert _settings_reads(kiosk_tower, globex) == ("/kiosk/walk-in/host/", 1)
    assert _settings_reads(kiosk_tower, acme) == ("/kiosk/walk-in/details/", 1)  # globex's answer is globex's only


def test_the_notices_retention_period_is_remembered_and_a_change_is_shown_at_once(remembering, kiosk_tower, globex):
    with tenant_context(globex):
        CompanySettings.objects.update_or_create(pk=1, defaults={"retention_days": 200})
    _details_screen(kiosk_tower, globex)
    with CaptureQueriesContext(connection) as queries:
        page = kiosk_tower.get("/kiosk/walk-in/details/").content.decode()
    assert "200 days" in page
    assert not any('FROM "visits_companysettings"' in q["sql"] for q in queries.captured_queries)
    with tenant_context(globex):
        settings = CompanySettings.objects.get(pk=1)
        settings.retention_days = 90
        settings.save()
    assert "90 days" in kiosk_tower.get("/kiosk/walk-in/details/").content.decode()
