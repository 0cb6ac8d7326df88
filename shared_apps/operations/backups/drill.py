"""The restore drill: one company's dump restored into a scratch database, its tables counted against the live ones."""

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

from shared_apps.database.db_roles import ident, owner_privileges
from shared_apps.operations.backups.dumps import company_dump
from shared_apps.operations.backups.pg_tools import connect, database_name, server_connection
from shared_apps.operations.backups.restores import database_create, dump_restore
from shared_apps.tenancy.models import Tenant

_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename"
# Functions outside the schema that its triggers call (the desk read model's, in public): a
# company dump names them but does not hold them, so the scratch database gets them first.
_TRIGGER_FUNCTIONS = """
SELECT DISTINCT pg_get_functiondef(p.oid)
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
WHERE n.nspname = %s AND NOT t.tgisinternal AND p.pronamespace <> c.relnamespace
"""


@dataclass(frozen=True)
class TableCount:
    table: str
    live: int
    restored: int


def scratch_database(company: Tenant) -> str:
    return f"{database_name()}_drill_{company.schema_name}"[:63]


def _counts(cursor: Any, schema: str, tables: list[str]) -> dict[str, int]:
    """Rows of each table (a Django or a psycopg cursor)."""
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {ident(schema)}.{ident(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _trigger_functions_copy(schema: str, scratch: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_TRIGGER_FUNCTIONS, [schema])
        definitions = [row[0] for row in cursor.fetchall()]
    with connect(scratch) as restored_db:
        for definition in definitions:
            restored_db.execute(definition)


@owner_privileges
def restore_drill(*, company: Tenant, keep: bool = False) -> list[TableCount]:
    """Dump the company, restore the dump into a new scratch database, and count every table in both.

    The scratch database is dropped afterwards unless `keep`. Rows written to the
    live schema between the dump and the count show up as differences: run the
    drill at a quiet hour, or read them as such.
    """
    scratch = scratch_database(company)
    with tempfile.TemporaryDirectory() as folder:
        dump = company_dump(company=company, file=Path(folder) / f"{company.schema_name}.dump")
        database_create(scratch)
        try:
            _trigger_functions_copy(company.schema_name, scratch)
            dump_restore(file=dump, database=scratch)
            with connection.cursor() as cursor:
                cursor.execute(_TABLES, [company.schema_name])
                tables = [row[0] for row in cursor.fetchall()]
                live = _counts(cursor, company.schema_name, tables)
            with connect(scratch) as restored_db:
                restored = _counts(restored_db.cursor(), company.schema_name, tables)
        finally:
            if not keep:
                with server_connection() as server:
                    server.execute(f"DROP DATABASE IF EXISTS {ident(scratch)} WITH (FORCE)")
    return [TableCount(table, live[table], restored[table]) for table in tables]
