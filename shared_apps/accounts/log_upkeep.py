"""The nightly upkeep of the logs that hold client addresses: the audit log (public schema) and each schema's sign-in
records.

After CHECKIN_LOG_IP_PSEUDONYMISE_DAYS a row's client address is truncated to its network (/24 for IPv4, /48 for
IPv6: README.md, "Logs and their retention", says why); after CHECKIN_SIGNIN_RECORD_DAYS a sign-in record is deleted,
after CHECKIN_AUDIT_RETENTION_DAYS an audit entry.

Request roles may only add rows to these tables. The job works through `public.checkin_log_maintain`, a SECURITY
DEFINER function of the log maintainer role that only the owner may execute (shared_apps/database/db_roles.py), so it
runs with the owner's privileges: the schema role a task otherwise runs as could no more call it than a request can.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from shared_apps.audit.services import audit_record
from shared_apps.database.db_roles import AUDIT_TABLE, SIGNIN_TABLE, owner_privileges
from shared_apps.tenancy.models import Tenant


@dataclass(frozen=True)
class Upkept:
    FIELDS = ("pseudonymised", "deleted")

    pseudonymised: int
    deleted: int


def _maintain(schema: str, table: str, *, pseudonymise_before: dt.datetime, delete_before: dt.datetime) -> Upkept:
    with owner_privileges(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pseudonymised, deleted FROM public.checkin_log_maintain(%s, %s, %s, %s)",
            [schema, table, pseudonymise_before, delete_before],
        )
        pseudonymised, deleted = cursor.fetchone()
    return Upkept(pseudonymised=pseudonymised, deleted=deleted)


@transaction.atomic
def log_upkeep(*, schema: str, now: dt.datetime | None = None) -> dict[str, Upkept]:
    """Pseudonymise and delete what is due in `schema`'s sign-in records (and, in public, the audit log); the counts
    are audited (never an address), when there were any."""
    now = now or timezone.now()
    pseudonymise_before = now - dt.timedelta(days=settings.CHECKIN_LOG_IP_PSEUDONYMISE_DAYS)
    retention = {SIGNIN_TABLE: settings.CHECKIN_SIGNIN_RECORD_DAYS}
    if schema == get_public_schema_name():
        retention[AUDIT_TABLE] = settings.CHECKIN_AUDIT_RETENTION_DAYS
    done = {
        table: _maintain(
            schema, table, pseudonymise_before=pseudonymise_before, delete_before=now - dt.timedelta(days=days)
        )
        for table, days in retention.items()
    }
    counts = {
        f"{table}.{what}": getattr(upkept, what)
        for table, upkept in done.items()
        for what in Upkept.FIELDS
        if getattr(upkept, what)
    }
    if counts:
        audit_record(actor="system:log_upkeep", action="log.upkeep", tenant_schema=schema, details=counts)
    return done


def tenants_with_accounts() -> QuerySet[Tenant]:
    """The tenant schemas whose accounts sign in: live companies and receptions (public is upkept on its own)."""
    return Tenant.objects.filter(
        type__in=[Tenant.Type.COMPANY, Tenant.Type.RECEPTION],
        status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED],
    )
