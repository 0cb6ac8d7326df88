"""The company sees its own parcels, in the portal and through the API (an admin all, a member those of the host
linked to them, another company none); they follow its retention like visits, photos included, and are in its
export (issue #24, item 4)."""

import csv
import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.files.storage import default_storage, storages
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from shared_apps.provisioning.companies import company_provision, company_remove, company_schemas_drop_due
from tenant_apps.api.services import api_token_create
from tenant_apps.notifications.models import Delivery
from tenant_apps.parcels.models import Parcel
from tenant_apps.parcels.services import ParcelDetails, parcel_pick_up, parcel_record
from tenant_apps.privacy.exports.lifecycle import export_request
from tenant_apps.privacy.purge import company_purge
from tenant_apps.visits.models import Host
from tests.conftest import HostClient
from tests.parcels.conftest import photo
from tests.privacy.conftest import set_retention

pytestmark = pytest.mark.usefixtures("eager", "media")
DAY = dt.timedelta(days=1)


def _member_host(acme) -> Host:
    """Jan Peeters, linked to acme's member account."""
    with tenant_context(acme):
        member = User.objects.get(email="member@acme.example")
        host = Host.objects.get(name="Jan Peeters")
        Host.objects.filter(user=member).exclude(pk=host.pk).update(user=None)
        Host.objects.filter(pk=host.pk).update(user=member)
        return host


def _record(company, host: Host, reference: str, **extra) -> Parcel:
    with tenant_context(company):
        details = ParcelDetails(host_id=host.pk, carrier="UPS", tracking_reference=reference, items=1, **extra)
        return parcel_record(details=details, actor_label="desk:tower:desk@tower.example")


def _references(page: str) -> set[str]:
    return {ref for ref in ("MINE-1", "THEIRS-1", "GLOBEX-1", "GONE-1") if ref in page}


def test_the_portal_lists_an_admin_every_parcel_and_a_member_their_own(acme, globex, acme_admin, acme_member):
    mine = _record(acme, _member_host(acme), "MINE-1", label_photo=photo())
    with tenant_context(acme):
        other = Host.objects.get(name="Sophie Dubois")
    theirs = _record(acme, other, "THEIRS-1")
    with tenant_context(globex):
        _record(globex, Host.objects.get(name="Lena Schmidt"), "GLOBEX-1")
    assert _references(acme_admin.get("/parcels/").content.decode()) == {"MINE-1", "THEIRS-1"}
    assert _references(acme_member.get("/parcels/").content.decode()) == {"MINE-1"}
    detail = acme_member.get(f"/parcels/{mine.pk}/")
    assert detail.status_code == 200 and "MINE-1" in detail.content.decode()
    assert acme_member.get(f"/parcels/{mine.pk}/photo/")["Content-Type"] == "image/png"
    assert acme_member.get(f"/parcels/{theirs.pk}/").status_code == 404  # another host's
    assert acme_admin.get(f"/parcels/{theirs.pk}/photo/").status_code == 404  # no photo
    with tenant_context(acme):
        parcel_pick_up(parcel_id=mine.pk, collected_by="Jan Peeters", actor_label="desk:tower:desk@tower.example")
    assert "MINE-1" not in acme_admin.get("/parcels/").content.decode()  # waiting ones by default
    collected = acme_admin.get("/parcels/?show=collected").content.decode()
    assert _references(collected) == {"MINE-1"} and "Jan Peeters" in collected
    assert _references(acme_admin.get("/parcels/?show=all").content.decode()) == {"MINE-1", "THEIRS-1"}
    assert acme_admin.get("/parcels/?show=nonsense").status_code == 200  # the default list


def test_the_portal_writes_belgian_dates_in_each_language(acme, acme_admin):
    with time_machine.travel(dt.datetime(2026, 12, 3, 15, 5, tzinfo=dt.UTC), tick=False):
        _record(acme, _member_host(acme), "MINE-1")
    for language, expected in (("en", "03-12-2026 16:05"), ("de", "03.12.2026 16:05"), ("fr", "03-12-2026 16:05")):
        page = acme_admin.get("/parcels/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert expected in page, language


def test_the_api_lists_the_same_parcels_as_the_portal(acme, globex, client_for):
    mine = _record(acme, _member_host(acme), "MINE-1", label_photo=photo())
    with tenant_context(acme):
        theirs = _record(acme, Host.objects.get(name="Sophie Dubois"), "THEIRS-1")
        admin_key = api_token_create(name="admin", created_by=User.objects.get(email="admin@acme.example"))[1]
    api = HostClient("acme.localhost", HTTP_AUTHORIZATION=f"Bearer {admin_key}")
    rows = api.get("/api/v1/parcels/?page_size=200").json()["results"]
    by_reference = {row["tracking_reference"]: row for row in rows}
    assert {"MINE-1", "THEIRS-1"} <= set(by_reference)
    row = by_reference["MINE-1"]
    assert (row["id"], row["host_name"], row["carrier"], row["items"], row["label_photo"], row["picked_up_at"]) == (
        mine.pk, "Jan Peeters", "UPS", 1, True, None,
    )  # fmt: skip
    assert api.get(f"/api/v1/parcels/{theirs.pk}/").json()["label_photo"] is False
    waiting = {row["id"] for row in api.get("/api/v1/parcels/?waiting=true&page_size=200").json()["results"]}
    assert {mine.pk, theirs.pk} <= waiting
    assert api.get("/api/v1/parcels/?waiting=false").json()["results"] == []
    bad = api.get("/api/v1/parcels/?waiting=maybe")
    assert bad.status_code == 400 and "waiting" in bad.json()
    assert api.post("/api/v1/parcels/", {}, content_type="application/json").status_code == 405
    # A member's session reads their own only, as in the portal (the access matrix tries every persona).
    member = client_for("acme.localhost").sign_in("member@acme.example")
    assert {row["id"] for row in member.get("/api/v1/parcels/?page_size=200").json()["results"]} == {mine.pk}
    assert member.get(f"/api/v1/parcels/{theirs.pk}/").status_code == 404


def test_the_openapi_schema_describes_the_parcels(acme_admin):
    schema = acme_admin.get("/api/v1/schema/?format=json").json()
    assert "/api/v1/parcels/" in schema["paths"] and "/api/v1/parcels/{id}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/parcels/"]["get"]["parameters"]}
    assert "waiting" in parameters
    assert "picked_up_by" in schema["components"]["schemas"]["Parcel"]["properties"]


def test_the_export_holds_the_companys_parcels(acme, django_capture_on_commit_callbacks, settings, tmp_path):
    exports = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "x")}}
    settings.STORAGES = {**settings.STORAGES, "exports": exports}
    parcel = _record(acme, _member_host(acme), "MINE-1", label_photo=photo())
    with tenant_context(acme):
        parcel_pick_up(parcel_id=parcel.pk, collected_by="Jan Peeters", actor_label="desk:tower:desk@tower.example")
        with django_capture_on_commit_callbacks(execute=True):
            export = export_request(user=User.objects.get(email="admin@acme.example"))
        export.refresh_from_db()
        count = Parcel.objects.count()
    with storages["exports"].open(export.storage_name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    rows = list(csv.DictReader(io.StringIO(archive.read("parcels.csv").decode("utf-8-sig"))))
    assert len(rows) == count
    [row] = [row for row in rows if row["tracking_reference"] == "MINE-1"]
    assert (row["carrier"], row["picked_up_by"], row["host_id"]) == ("UPS", "Jan Peeters", str(parcel.host_id))
    assert "label_photo" not in row
    assert "parcels (" in archive.read("README.txt").decode()
    with parcel.label_photo.open("rb") as stored:  # the label's photo, as the desk took it
        suffix = (parcel.label_photo.name or "").rsplit(".", 1)[-1]
        assert archive.read(f"parcel-photos/{parcel.pk}.{suffix}") == stored.read()


def test_the_purge_deletes_parcels_past_the_retention_with_their_photos_and_messages(acme, globex):
    host = _member_host(acme)
    now = timezone.now()
    with time_machine.travel(now - 40 * DAY, tick=False):
        collected = _record(acme, host, "GONE-1", label_photo=photo())
        waiting_long = _record(acme, host, "GONE-2")
    with tenant_context(acme), time_machine.travel(now - 31 * DAY, tick=False):
        parcel_pick_up(parcel_id=collected.pk, collected_by="Jan", actor_label="desk:tower:desk@tower.example")
    with time_machine.travel(now - 40 * DAY, tick=False):
        collected_lately = _record(acme, host, "KEPT-1", label_photo=photo())
    with tenant_context(acme), time_machine.travel(now - 29 * DAY, tick=False):
        parcel_pick_up(parcel_id=collected_lately.pk, collected_by="Jan", actor_label="desk:tower:desk@tower.example")
    with time_machine.travel(now - 40 * DAY, tick=False):
        other_company = _record(globex, _globex_host(globex), "GLOBEX-OLD")
    photo_name, kept_photo = collected.label_photo.name or "", collected_lately.label_photo.name or ""
    assert default_storage.exists(photo_name)
    with tenant_context(acme):
        assert Delivery.objects.filter(parcel=collected).exists()
        set_retention(30)
        result = company_purge()
        left = set(Parcel.objects.values_list("tracking_reference", flat=True))
        assert not Delivery.objects.filter(parcel_id=collected.pk).exists()
    assert {"GONE-1", "GONE-2"}.isdisjoint(left) and "KEPT-1" in left  # collected 31 and 29 days ago
    assert result.deleted["parcels.parcel"] == 2
    assert not default_storage.exists(photo_name)
    assert default_storage.exists(kept_photo)
    with tenant_context(globex):
        assert Parcel.objects.filter(pk=other_company.pk).exists()
    entry = AuditEntry.objects.filter(action="retention.purge", tenant_schema=acme.schema_name).latest("pk")
    assert entry.details["deleted"]["parcels.parcel"] == 2
    with tenant_context(acme):
        assert not Parcel.objects.filter(pk=waiting_long.pk).exists()  # never collected: counted from its arrival


def _globex_host(globex) -> Host:
    with tenant_context(globex):
        return Host.objects.get(name="Lena Schmidt")


def test_a_dropped_company_takes_its_label_photos_with_it(tower, django_capture_on_commit_callbacks):
    umbrella = company_provision(building=tower, slug="umbrella", name="Umbrella", admin_email="a@umbrella.example",
                                 actor="test")  # fmt: skip
    with tenant_context(umbrella):
        host = Host.objects.create(name="Ada Wong", email="ada@umbrella.example")
    parcel = _record(umbrella, host, "UMB-1", label_photo=photo())
    name = parcel.label_photo.name or ""
    assert default_storage.exists(name)
    company_remove(company=umbrella, actor="test")
    with django_capture_on_commit_callbacks(execute=True):
        dropped = company_schemas_drop_due(actor="test", now=timezone.now() + 365 * DAY)
    assert dropped == ["umbrella"] and not default_storage.exists(name)
