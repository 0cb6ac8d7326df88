"""A kiosk, a desk, an erasure, a purge and an export through the product's own services and selectors, on the
cluster: run by tests/citus/test_desk.py inside `manage.py shell` (DATABASE_URL at the coordinator), each step in
its own transaction as a request or a task has it. Prints what each step saw, as JSON, on its last line.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.desk.selectors import BoardFilters, desk_board, desk_on_site
from tenant_apps.kiosk.services import (
    code_check_out,
    invitation_check_in,
    invitation_find,
    kiosk_pair,
    pairing_code_create,
    walk_in_check_in,
)
from tenant_apps.privacy.exports import archive
from tenant_apps.privacy.exports.lifecycle import export_request
from tenant_apps.privacy.models import Export
from tenant_apps.privacy.purge import company_purge
from tenant_apps.privacy.subjects import person_erase
from tenant_apps.visits.models import Visit, Visitor
from tenant_apps.visits.services import Actor, VisitorDetails, visit_register


def _board_names(reception: Tenant, q: str = "") -> list[str]:
    board = desk_board(reception=reception, filters=BoardFilters(q=q))
    return [f"{v.company_slug}:{v.first_name} {v.last_name}:{v.state}" for v in board.visits]


def _on_site_names(reception: Tenant) -> list[str]:
    return [f"{v.company_slug}:{v.first_name} {v.last_name}" for v in desk_on_site(reception=reception)]


def _invite(company: Tenant, first: str, last: str, start: dt.datetime) -> Visit:
    with tenant_context(company), transaction.atomic():
        visitor = Visitor.objects.create(first_name=first, last_name=last, company_name="Citus Ltd")
        return visit_register(
            visitor=visitor,
            host=None,
            expected_start=start,
            expected_end=start + dt.timedelta(hours=2),
            purpose="citus",
            actor=Actor(label="test", channel=Visit.Channel.INVITATION),
        )


def main() -> None:
    seen: dict[str, Any] = {}
    building = Building.objects.get(slug="tower")
    reception = Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)
    acme, globex = Tenant.objects.get(slug="acme"), Tenant.objects.get(slug="globex")
    with tenant_context(reception):
        desk = User.objects.filter(role=User.Role.DESK).first()
        assert desk is not None
        pairing = pairing_code_create(kiosk_name="Citus lobby", user=desk, building=building)
        kiosk, _ = kiosk_pair(code=pairing.code, client="citus", building=building)

    # An invitation made by acme's portal, found by the kiosk's code lookup (the read model), checked in there.
    now = timezone.now()
    invited = _invite(acme, "Kiosk", "Arrival", now - dt.timedelta(minutes=5))
    seen["board_expected"] = _board_names(reception, q="Arrival")
    with tenant_context(reception):  # the kiosk's pages are served on the building's host
        found = invitation_find(kiosk=kiosk, building=building, code=invited.code)
        seen["lookup"] = None if found.found is None else [found.found.company.slug, found.found.visit.pk == invited.pk]
        invitation_check_in(
            kiosk=kiosk, building=building, company=acme, visit_id=invited.pk, notice_version="1", rules_version=""
        )
    seen["board_on_site"] = _board_names(reception, q="Arrival")
    seen["evacuation"] = [name for name in _on_site_names(reception) if "Arrival" in name]

    # A walk-in for globex at the kiosk, on the board in the state the kiosk gave it; checked out there by code.
    details = VisitorDetails(first_name="Walk", last_name="Inn", email="", phone="", company_name="", language="en")
    with tenant_context(reception):
        walked = walk_in_check_in(
            kiosk=kiosk, building=building, company=globex, host_id=None, visitor=details,
            notice_version="1", rules_version="",
        )  # fmt: skip
    seen["walk_in"] = [walked.state, _board_names(reception, q="Inn")]
    if walked.state == Visit.State.ON_SITE:
        with tenant_context(reception):
            code_check_out(kiosk=kiosk, building=building, code=walked.code)
        seen["walk_in_checked_out"] = _board_names(reception, q="Inn")

    # Acme's admin erases the person: gone from the desk once the erasure's transaction commits.
    with tenant_context(acme):
        person_erase(visitor=Visitor.objects.get(pk=invited.visitor_id), actor="citus test")
    seen["board_after_erasure"] = _board_names(reception, q="Arrival")
    seen["evacuation_after_erasure"] = [name for name in _on_site_names(reception) if "Arrival" in name]

    # A visit of globex ended beyond its retention: on the desk's read model until the purge (raw SQL) deletes it.
    long_ago = now - dt.timedelta(days=4000)
    old = _invite(globex, "Retention", "Expired", long_ago)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {reception.schema_name}.readmodel_visit WHERE company_id = %s AND visit_id = %s",
            [globex.pk, old.pk],
        )
        seen["read_model_before_purge"] = cursor.fetchone()[0]
    with tenant_context(globex):
        company_purge()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {reception.schema_name}.readmodel_visit WHERE company_id = %s AND visit_id = %s",
            [globex.pk, old.pk],
        )
        seen["read_model_after_purge"] = cursor.fetchone()[0]

    # An export of acme (tasks run in-process): the visits of the company schema, read there only.
    exported = _invite(acme, "Export", "Person", now + dt.timedelta(hours=1))
    parallel: list[int] = []  # whether the files were read on a second session (they must not be, on Citus)
    two_sessions = archive._members_write_parallel

    def counted(*args: Any) -> dict[str, int]:
        parallel.append(1)
        return two_sessions(*args)

    archive._members_write_parallel = counted  # type: ignore[assignment]
    with tenant_context(acme):
        admin = User.objects.get(email="admin@acme.example")
        export = export_request(user=admin)
    with tenant_context(acme):
        export.refresh_from_db()
        seen["export_status"] = export.status
        seen["export_ready"] = export.status == Export.Status.READY
        if export.storage_name:
            with storages["exports"].open(export.storage_name, "rb") as handle:
                zipped = zipfile.ZipFile(io.BytesIO(handle.read()))
            visitors = next(name for name in zipped.namelist() if name.endswith("visitors.csv"))
            text = zipped.read(visitors).decode("utf-8-sig")
            seen["export_has_person"] = "Export" in text and "Person" in text
            seen["export_has_erased"] = "Arrival" in text
            seen["export_visitor_rows"] = text.count("\n") - 1
            seen["export_visitors_in_schema"] = Visitor.objects.count()
    seen["export_on_two_sessions"] = bool(parallel)
    seen["exported_visit"] = exported.pk
    print(json.dumps(seen))


def _desk_count(reception: Tenant, company: Tenant) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {reception.schema_name}.readmodel_visit WHERE company_id = %s", [company.pk]
        )
        return int(cursor.fetchone()[0])


def _routed(company: Tenant) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT FROM public.checkin_desk_route WHERE schema_name = %s)", [company.schema_name]
        )
        return bool(cursor.fetchone()[0])


def lifecycle() -> None:
    """A company provisioned into the building, suspended, reactivated, removed and dropped: the desk follows."""
    from shared_apps.provisioning.companies import (
        company_create,
        company_reactivate,
        company_remove,
        company_schemas_drop_due,
        company_suspend,
    )

    seen: dict[str, Any] = {}
    building = Building.objects.get(slug="tower")
    reception = Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)
    company = company_create(building="tower", slug="initech", name="Initech")
    seen["routed_new"] = _routed(company)
    _invite(company, "New", "Company", timezone.now())
    seen["board_new"] = _board_names(reception, q="Company")
    company = company_suspend(company=company, actor="citus test")
    seen["routed_suspended"] = _routed(company)
    _invite(company, "While", "Suspended", timezone.now())  # kept, not shown: the desk shows active companies
    seen["desk_rows_suspended"] = _desk_count(reception, company)
    seen["board_suspended"] = _board_names(reception, q="Suspended")
    company = company_reactivate(company=company, actor="citus test")
    seen["board_reactivated"] = _board_names(reception, q="Suspended")
    company = company_remove(company=company, actor="citus test")
    seen["routed_removed"] = _routed(company)
    seen["desk_rows_removed"] = _desk_count(reception, company)
    with tenant_context(company), transaction.atomic():  # a late write to the removed company's tables
        Visit.objects.update(purpose="after removal")
    seen["desk_rows_after_late_write"] = _desk_count(reception, company)
    seen["dropped"] = company_schemas_drop_due(actor="citus test", now=timezone.now() + dt.timedelta(days=3650))
    print(json.dumps(seen))
