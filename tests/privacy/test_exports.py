"""Exports: the ZIP holds exactly what the database holds, only this company's admins download it, and it expires."""

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
import zoneinfo

import time_machine
from django.core import mail
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from tenant_apps.privacy.exports.archive import csv_neutralised
from tenant_apps.privacy.exports.final import company_final_export
from tenant_apps.privacy.exports.lifecycle import export_request, exports_expire
from tenant_apps.privacy.exports.tables import TABLES, ExportRange
from tenant_apps.privacy.models import Export
from tenant_apps.visits.models import Host, Visit
from tests.privacy.conftest import person, visit

DAY = dt.timedelta(days=1)


def _seed(now: dt.datetime) -> None:
    someone = person(first='=HYPERLINK("x")', last='D\'Été, "quoted"', email="ete@example.org", company_name="+32 Ltd")
    visit(someone, ended=now - 3 * DAY, purpose="-2+3\nsecond line \\ backslash")
    visit(person(first="Ann", last="Smith", email="ann@example.org"), ended=now - DAY, state=Visit.State.NO_SHOW)
    Host.objects.create(name="@host Person", email="h@acme.example")


def _make_export(company, django_capture_on_commit_callbacks, **dates) -> Export:
    with tenant_context(company), django_capture_on_commit_callbacks(execute=True):
        export = export_request(user=User.objects.get(email=f"admin@{company.slug}.example"), **dates)
    with tenant_context(company):
        export.refresh_from_db()
    return export


def _archive(export: Export) -> zipfile.ZipFile:
    with storages["exports"].open(export.storage_name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):  # day/month/year, 24 hours, in the building's time zone (Brussels)
        return value.astimezone(zoneinfo.ZoneInfo("Europe/Brussels")).strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(", ", ": "))
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _json_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def test_the_zip_holds_exactly_what_the_database_holds(acme, eager, django_capture_on_commit_callbacks):
    with tenant_context(acme):
        _seed(dt.datetime.now(dt.UTC))
    export = _make_export(acme, django_capture_on_commit_callbacks)
    assert export.status == Export.Status.READY
    with storages["exports"].open(export.storage_name, "rb") as handle:
        raw = handle.read()
    assert (export.size, export.sha256) == (len(raw), hashlib.sha256(raw).hexdigest())
    archive = _archive(export)
    assert sorted(archive.namelist()) == sorted(
        ["README.txt", *[f"{t.name}.{ext}" for t in TABLES for ext in ("csv", "json")]]
    )
    readme = archive.read("README.txt").decode()
    with tenant_context(acme):
        for table in TABLES:
            rows = list(table.queryset(ExportRange()))
            columns = table.columns()
            assert export.row_counts[table.name] == len(rows)
            parsed = list(csv.reader(io.StringIO(archive.read(f"{table.name}.csv").decode("utf-8-sig"), newline="")))
            assert parsed[0] == columns
            assert [[_normal(cell) for cell in line] for line in parsed[1:]] == [
                [_normal(_csv_value(value)) for value in row] for row in rows
            ], table.name
            as_json = json.loads(archive.read(f"{table.name}.json"))
            assert [{key: _json_normal(value) for key, value in item.items()} for item in as_json] == [
                {column: _json_normal(_json_value(value)) for column, value in zip(columns, row, strict=True)}
                for row in rows
            ], table.name
            for column in columns:
                assert f"  {column}: " in readme
    assert '"purpose":"-2+3\\nsecond line \\\\ backslash"' in archive.read("visits.json").decode()


def _normal(cell: str) -> str:
    """'2026-01-01 10:00:00.120000+00' and '2026-01-01 10:00:00.12+00' are the same instant."""
    if len(cell) > 19 and cell[4] == "-" and cell[10] == " " and cell.endswith("+00"):
        return dt.datetime.fromisoformat(cell[:-3] + "+00:00").isoformat()
    return cell


def _json_normal(value: object) -> object:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):  # a date column (visit_series): ISO text
        return value.isoformat()
    if isinstance(value, str) and len(value) > 19 and value[4] == "-" and value[10] == "T":
        try:
            return dt.datetime.fromisoformat(value).isoformat()
        except ValueError:
            return value
    return value


def test_every_text_cell_a_spreadsheet_would_run_gets_an_apostrophe_and_nothing_else_changes(db):
    """Also a first cell on its line, and look-alikes inside quoted cells, on PostgreSQL's own CSV output."""
    values = ["=1+2", "+32 470", "-2", "@SUM(A1)", "\tx", "\rx", 'a\n"=b', 'x,"=y', '"=x', "x\n-y", "", None, "ok"]
    sql = (
        "COPY (SELECT v, -5 AS n, v AS w FROM unnest(%s::text[]) WITH ORDINALITY u(v, i) ORDER BY i)"
        " TO STDOUT WITH (FORMAT csv, FORCE_QUOTE (v, w))"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(sql, [values]) as copy:
        block = b"".join(bytes(row) for row in copy)
    parsed = list(csv.reader(io.StringIO(csv_neutralised(block).decode(), newline="")))
    assert parsed == [[_csv_value(value), "-5", _csv_value(value)] for value in values]


def test_a_date_range_holds_only_the_visits_that_started_in_it(acme, eager, django_capture_on_commit_callbacks):
    today = dt.datetime.now(dt.UTC)
    with tenant_context(acme):
        inside = visit(person(email="in@example.org"), ended=today - 10 * DAY)
        visit(person(email="out@example.org"), ended=today - 40 * DAY)
        day = inside.expected_start.astimezone().date()
    export = _make_export(acme, django_capture_on_commit_callbacks, date_from=day, date_to=day)
    archive = _archive(export)
    visits = json.loads(archive.read("visits.json"))
    visitors = json.loads(archive.read("visitors.json"))
    assert [v["id"] for v in visits] == [inside.pk]
    assert [v["email"] for v in visitors] == ["in@example.org"]
    assert {e["visit_id"] for e in json.loads(archive.read("visit_events.json"))} == {inside.pk}


def test_the_csv_files_write_belgian_dates_and_24_hour_times_and_the_json_files_iso_8601(
    acme, eager, django_capture_on_commit_callbacks
):
    """Issue #23: a person in Belgium opens the CSV in a spreadsheet (5 January, 14:30 in Brussels, never a US
    month first nor "2:30 PM"); a program reads the JSON (ISO 8601 with the offset, in UTC)."""
    ended = dt.datetime(2027, 1, 5, 13, 30, tzinfo=dt.UTC)  # 14:30 in Brussels (UTC+1 in winter)
    with tenant_context(acme):
        made = visit(person(email="belgian.dates@example.org"), ended=ended)
    export = _make_export(acme, django_capture_on_commit_callbacks)
    archive = _archive(export)
    rows = list(csv.DictReader(io.StringIO(archive.read("visits.csv").decode("utf-8-sig"), newline="")))
    row = next(row for row in rows if row["id"] == str(made.pk))
    assert (row["expected_start"], row["checked_out_at"]) == ("05/01/2027 13:30:00", "05/01/2027 14:30:00")
    item = next(item for item in json.loads(archive.read("visits.json")) if item["id"] == made.pk)
    assert dt.datetime.fromisoformat(item["checked_out_at"]) == ended
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}", item["checked_out_at"])
    assert "05/01/2027 14:30:00" in archive.read("README.txt").decode()  # the README says how to read them


def test_an_admin_downloads_it_under_a_server_chosen_name_and_it_is_audited(
    acme, acme_admin, eager, django_capture_on_commit_callbacks
):
    export = _make_export(acme, django_capture_on_commit_callbacks)
    response = acme_admin.get(f"/privacy/exports/{export.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="checkin-acme-export-{export.pk}-')
    assert response["Cache-Control"] == "no-store"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == export.sha256
    assert AuditEntry.objects.filter(
        action="export.download", tenant_schema="acme", object_ids={"export": [export.pk]}
    ).exists()


def test_nobody_else_downloads_it(
    acme, acme_member, globex_admin, tower_desk, client_for, eager, django_capture_on_commit_callbacks
):
    export = _make_export(acme, django_capture_on_commit_callbacks)
    url = f"/privacy/exports/{export.pk}/download/"
    for intruder in (acme_member, globex_admin, tower_desk):
        assert intruder.get(url).status_code == 404, intruder.host
    anonymous = client_for("acme.localhost").get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not AuditEntry.objects.filter(action="export.download").exists()


def test_the_exports_page_lists_status_size_hash_and_expiry(
    acme, acme_admin, eager, django_capture_on_commit_callbacks
):
    response = acme_admin.post("/privacy/exports/", {"date_from": "", "date_to": ""})
    assert response.status_code == 302
    with tenant_context(acme):
        assert Export.objects.count() == 1  # the task runs on commit; the test transaction never commits
    bad = acme_admin.post("/privacy/exports/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "The end date must be on or after the start date." in bad.content.decode()
    export = _make_export(acme, django_capture_on_commit_callbacks)
    page = acme_admin.get("/privacy/exports/").content.decode()
    assert export.sha256[:14] in page and f"/privacy/exports/{export.pk}/download/" in page
    assert acme_admin.get("/privacy/exports/").status_code == 200


def test_members_do_not_see_the_exports_page(acme_member, tower_desk):
    assert acme_member.get("/privacy/exports/").status_code == 404
    assert tower_desk.get("/privacy/exports/").status_code == 404


def test_expired_exports_are_gone_from_storage(acme, acme_admin, eager, django_capture_on_commit_callbacks):
    export = _make_export(acme, django_capture_on_commit_callbacks)
    name, expires_at = export.storage_name, export.expires_at
    assert storages["exports"].exists(name) and expires_at is not None
    with time_machine.travel(expires_at - dt.timedelta(minutes=1)), tenant_context(acme):
        assert exports_expire() == 0
    with time_machine.travel(expires_at + dt.timedelta(minutes=1)):
        call_command("expire_exports", "--company", "acme", stdout=io.StringIO())
    assert not storages["exports"].exists(name)
    with tenant_context(acme):
        export.refresh_from_db()
    assert export.status == Export.Status.EXPIRED
    assert acme_admin.get(f"/privacy/exports/{export.pk}/download/").status_code == 404


def test_a_final_export_emails_the_admins_a_download_link(acme, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = company_final_export(acme)
    with tenant_context(acme):
        export.refresh_from_db()
    assert export.status == Export.Status.READY and export.kind == Export.Kind.FINAL
    [message] = mail.outbox
    assert message.to == ["admin@acme.example"]
    assert "http://localhost:8000/privacy/final-export/" in message.body
    assert AuditEntry.objects.filter(action="export.final", tenant_schema="acme").exists()


def test_removing_a_company_sends_its_admins_a_final_export_that_outlives_its_host(
    acme, eager, django_capture_on_commit_callbacks, client_for
):
    from shared_apps.provisioning.companies import company_remove

    with django_capture_on_commit_callbacks(execute=True):
        company_remove(company=acme, actor="it:iris@checkin.example")
    [message] = mail.outbox
    link = re.search(r"http://localhost:8000(/privacy/final-export/\S+/)", str(message.body))
    assert link, message.body
    assert client_for("acme.localhost").get("/accounts/login/").status_code == 404  # the host is gone at once
    response = client_for("localhost").get(link.group(1))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="checkin-acme-export-')
    assert AuditEntry.objects.filter(action="export.download", tenant_schema="acme", actor="link:final-export").exists()
    forged = link.group(1).replace("final-export/", "final-export/x")
    assert client_for("localhost").get(forged).status_code == 404
