"""Spare schemas: clones of a template made ahead of time, so provisioning only renames one.

Replaying a template's DDL (`schema_clone.py`) costs about 150 ms on our
machines, most of it PostgreSQL creating some 20 tables and their files. A
spare is that same clone, made by a worker before anyone asks for it and named
`_spare_<type>_<random>`; provisioning renames one to the new tenant's schema
inside its own transaction (about a millisecond) and a worker makes another
after the commit (asked by shared_apps/provisioning/tenant_schemas.py: this
package knows no task). Nothing else changes: the tenant's role, host, views and
audit entry are made exactly as after a clone.

A spare is used only if its migrations are the template's (same count and
last id of `django_migrations`, which the clone copies); `migrate_schemas`
leaves spares behind, so it drops the stale ones and makes fresh ones at its
end. Spares belong to no tenant: no role of the application can read them.

Two provisionings never take the same spare: each takes a transaction-level
advisory lock on the spare first and checks it still exists, so the second one
skips a spare the first is renaming, or has renamed.

`CHECKIN_SPARE_SCHEMAS` (per tenant type) sets how many are kept; 0 turns the
pool off and provisioning clones the template itself.
"""

import logging
import secrets

from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import schema_exists

from shared_apps.database.db_roles import ident, owner_privileges
from shared_apps.database.locks import LockKey, transaction_lock
from shared_apps.database.schema_clone import clone_schema, migration_state

logger = logging.getLogger(__name__)


def spare_prefix(tenant_type: str) -> str:
    return f"_spare_{tenant_type}_"


def _spares(tenant_type: str) -> list[str]:
    prefix = spare_prefix(tenant_type)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE left(nspname, %s) = %s ORDER BY nspname", [len(prefix), prefix]
        )
        return [row[0] for row in cursor.fetchall()]


def spares_ready() -> int:
    """How many spares of every type there are (stale ones included, until the next refill drops them)."""
    return sum(len(_spares(tenant_type)) for tenant_type in settings.CHECKIN_TEMPLATE_SCHEMAS)


def _lock(spare: str) -> bool:
    """Hold `spare` until this transaction ends, if nobody else does; False when another transaction holds it."""
    return transaction_lock(LockKey.SPARE_SCHEMA, spare, wait=False)


def spare_take(*, tenant_type: str, template: str, target: str) -> bool:
    """Rename a current spare of `template` to `target` in the caller's transaction; False when there is none."""
    if not connection.in_atomic_block:
        raise RuntimeError("spare_take() must run inside transaction.atomic(): the rename is part of provisioning.")
    state = migration_state(template)
    for spare in _spares(tenant_type):
        # Locked first, then checked: a spare renamed by a transaction that has committed since is gone.
        if not _lock(spare) or not schema_exists(spare) or migration_state(spare) != state:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER SCHEMA {ident(spare)} RENAME TO {ident(target)}")
        return True
    return False


@owner_privileges
def spares_refill() -> int:
    """Drop stale spares and make new ones up to CHECKIN_SPARE_SCHEMAS per template; returns how many it made.

    Each spare is made in its own transaction, so provisioning never waits behind a refill.
    """
    made = 0
    for tenant_type, template in settings.CHECKIN_TEMPLATE_SCHEMAS.items():
        if not schema_exists(template):
            continue  # before `ensure_platform` has made the templates
        while True:
            with transaction.atomic():
                state = migration_state(template)
                current = 0
                for spare in _spares(tenant_type):
                    if not _lock(spare):
                        current += 1  # being taken or checked by someone else: count it as there
                    elif not schema_exists(spare):
                        continue  # taken by a provisioning that committed since it was listed
                    elif migration_state(spare) != state:
                        with connection.cursor() as cursor:
                            cursor.execute(f"DROP SCHEMA {ident(spare)} CASCADE")
                        logger.info("dropped stale spare schema %s", spare)
                    else:
                        current += 1
                if current >= settings.CHECKIN_SPARE_SCHEMAS:
                    break
                clone_schema(template=template, target=spare_prefix(tenant_type) + secrets.token_hex(6))
                made += 1
    return made
