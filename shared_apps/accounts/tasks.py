"""Celery tasks of the accounts: the nightly upkeep of sign-in records and of the audit log (log_upkeep.py).

`accounts.log_upkeep_all` runs from beat in the public schema: it upkeeps public (IT's sign-ins and the audit log),
then sends one task per company and reception schema (tenant-schemas-celery carries the schema in the headers).
"""

from celery import shared_task
from django.db import connection
from django_tenants.utils import get_public_schema_name

from shared_apps.accounts.log_upkeep import Upkept, log_upkeep, tenants_with_accounts
from shared_apps.database.every_schema import in_every_schema
from shared_apps.operations.broker import schema_headers


# Safe to run twice (what is due is done, what is done is not due), so given back to the queue if its worker dies.
@shared_task(name="accounts.log_upkeep_schema", acks_late=True, reject_on_worker_lost=True)
def log_upkeep_schema_task() -> dict[str, int]:
    done = log_upkeep(schema=connection.schema_name)  # type: ignore[attr-defined]
    return _counts(done)


def _counts(done: dict[str, Upkept]) -> dict[str, int]:
    return {f"{table}.{what}": getattr(upkept, what) for table, upkept in done.items() for what in Upkept.FIELDS}


@shared_task(name="accounts.log_upkeep_all")
def log_upkeep_all_task() -> int:
    """Nightly (beat): public at once, every tenant schema by a task of its own; returns how many were sent."""
    log_upkeep(schema=get_public_schema_name())
    sending = in_every_schema(
        tenants_with_accounts(),
        lambda tenant: log_upkeep_schema_task.apply_async(headers=schema_headers(tenant.schema_name)),
    )
    return sum(1 for _ in sending)
