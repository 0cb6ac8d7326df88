"""Create a tenant schema by replaying a migrated template schema's DDL.

Running every migration for each new company costs about half a second and
grows with each migration; copying the structure of a template schema that
`migrate_schemas` keeps current costs a few tens of milliseconds, whatever
the history. The copy is read from PostgreSQL's catalog, so it is exactly
what the migrations built: tables with their defaults and identity columns,
constraints and indexes under their own names, and the rows migrations wrote
(`django_migrations`, content types, permissions).

Triggers are copied as they are defined (the functions they call live
outside the schema, in `public`). Anything else the copy does not know how to
reproduce (views, functions in the schema, free-standing sequences) makes it
fail loudly rather than create a schema that differs from a migrated one.
"""

from django.db import connection
from django_tenants.utils import quote_schema_name

from shared_apps.database.connection import tenant_connection


class UnsupportedTemplateObject(RuntimeError):
    """The template holds an object kind the clone cannot reproduce."""


_TABLES = """
SELECT c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind = 'r'
ORDER BY c.relname
"""

_UNSUPPORTED = """
SELECT 'relation ' || c.relname || ' of kind ' || c.relkind::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind NOT IN ('r', 'i')
  AND NOT (c.relkind = 'S' AND EXISTS (
        SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i'))
UNION ALL
SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = %(schema)s
UNION ALL
SELECT 'trigger ' || t.tgname || ' calling a function of the schema itself'
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid
WHERE n.nspname = %(schema)s AND NOT t.tgisinternal AND p.pronamespace = n.oid
"""

# The definition names its table with the schema: the clone's runs with the target on the search path.
_TRIGGERS = """
SELECT replace(pg_get_triggerdef(t.oid), ' ON ' || quote_ident(n.nspname) || '.', ' ON ')
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND NOT t.tgisinternal
ORDER BY c.relname, t.tgname
"""

_CONSTRAINTS = """
SELECT cl.relname, con.conname, pg_get_constraintdef(con.oid), coalesce(ref.relname, '')
FROM pg_constraint con
JOIN pg_class cl ON cl.oid = con.conrelid
JOIN pg_namespace n ON n.oid = cl.relnamespace
LEFT JOIN pg_class ref ON ref.oid = con.confrelid AND ref.relnamespace = cl.relnamespace
WHERE n.nspname = %(schema)s AND con.contype IN ('p', 'u', 'c', 'x', 'f')
ORDER BY cl.relname, con.conname
"""

_INDEXES = """
SELECT pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = %(schema)s
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                    AND con.contype IN ('p', 'u', 'x'))
ORDER BY 1
"""

_IDENTITY_COLUMNS = """
SELECT c.relname, a.attname
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND a.attidentity <> '' AND NOT a.attisdropped
ORDER BY c.relname
"""


_LIKE_OPTIONS = "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def clone_statements(*, template: str, target: str) -> list[str]:
    """Return the SQL that recreates `template`'s tables, rows and indexes in `target`.

    The statements run with `search_path` set to `target`; references between
    the template's own tables are emitted unqualified for that reason, so the
    body does not depend on the target and is cached per template until its
    migration history changes (`migrate_schemas` is the only thing that alters it).
    """
    if not connection.in_atomic_block:
        # In autocommit each statement resets the search_path, and the catalog would name the template's own
        # tables with their schema: the clone's foreign keys would point into the template.
        raise RuntimeError("A schema clone must run inside transaction.atomic(): it is all or nothing.")
    dst = quote_schema_name(target)
    key = (str(connection.settings_dict["NAME"]), template, migration_state(template))
    body = _body_cache.get(key)
    if body is None:
        body = _template_body(template)
        _body_cache.clear()  # only the current state of each template is worth keeping
        _body_cache[key] = body
    return [f"CREATE SCHEMA {dst}", f"SET LOCAL search_path = {dst}", *body]


_body_cache: dict[tuple[str, str, tuple[int, int]], list[str]] = {}


def migration_state(schema: str) -> tuple[int, int]:
    """How many migrations `schema` has recorded, and the last one's id: equal for a template and its clones."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), coalesce(max(id), 0) FROM {quote_schema_name(schema)}.django_migrations")
        count, last = cursor.fetchone()
    return int(count), int(last)


def _template_body(template: str) -> list[str]:
    src = quote_schema_name(template)
    with connection.cursor() as cursor:
        # Read the catalog with the template first on the search path, so that
        # pg_get_constraintdef() names the template's tables without a schema.
        cursor.execute(f"SET LOCAL search_path = {src}")
        cursor.execute(_UNSUPPORTED, {"schema": template})
        unsupported = [row[0] for row in cursor.fetchall()]
        if unsupported:
            raise UnsupportedTemplateObject(
                f"Template schema {template} holds objects the clone cannot copy: {', '.join(unsupported)}. "
                "Teach shared_apps/database/schema_clone.py to copy them."
            )
        cursor.execute(_TABLES, {"schema": template})
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute(_CONSTRAINTS, {"schema": template})
        constraints = cursor.fetchall()
        cursor.execute(_INDEXES, {"schema": template})
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute(_IDENTITY_COLUMNS, {"schema": template})
        identities = cursor.fetchall()
        cursor.execute(_TRIGGERS, {"schema": template})
        triggers = [row[0] for row in cursor.fetchall()]
        # Only a few tables hold rows (migrations, content types, permissions): copy just those.
        cursor.execute(
            " UNION ALL ".join(f"SELECT %s WHERE EXISTS (SELECT 1 FROM {src}.{_ident(table)})" for table in tables),
            tables,
        )
        filled = {row[0] for row in cursor.fetchall()}
    tenant_connection().preamble_forget()  # the search_path moved: have the backend set it again

    statements: list[str] = []
    # Fewer statements is faster, and a foreign key declared in CREATE TABLE skips the
    # locks and the validating scan of ALTER TABLE: each table is created with all its
    # constraints inline, after the tables it references. Only a cycle of references
    # leaves foreign keys to add once every table exists.
    inline: dict[str, list[str]] = {table: [] for table in tables}
    references: dict[str, dict[str, list[str]]] = {table: {} for table in tables}
    for table, name, definition, referenced in constraints:
        constraint = f"CONSTRAINT {_ident(name)} {definition}"
        if referenced and referenced != table:
            references[table].setdefault(referenced, []).append(constraint)
        else:
            inline[table].append(constraint)
    order, closing = _creation_order({table: set(refs) for table, refs in references.items()})
    for table in order:
        # NOT NULL comes with LIKE; constraints and indexes keep their names.
        columns = f"LIKE {src}.{_ident(table)} {_LIKE_OPTIONS}"
        foreign = [c for ref, cs in references[table].items() if (table, ref) not in closing for c in cs]
        statements.append(f"CREATE TABLE {_ident(table)} ({', '.join([columns, *inline[table], *foreign])})")
    for table, ref in sorted(closing):
        statements.append(f"ALTER TABLE {_ident(table)} {', '.join(f'ADD {c}' for c in references[table][ref])}")
    qualified_on = f" ON {template}."
    for definition in indexes:
        statements.append(definition.replace(qualified_on, " ON ", 1).replace(f" ON {src}.", " ON ", 1))
    for table in tables:
        if table in filled:
            statements.append(f"INSERT INTO {_ident(table)} SELECT * FROM {src}.{_ident(table)}")
    for table, column in identities:
        if table not in filled:
            continue
        # Read first, then set: on Citus the table's rows are on a worker and its sequence on the coordinator, and
        # one SELECT naming both would be sent whole to the worker, where the sequence is not found.
        statements.append(
            f"DO $$ DECLARE next bigint; BEGIN SELECT COALESCE(MAX({_ident(column)}), 0) + 1 INTO next "
            f"FROM {_ident(table)}; PERFORM setval(pg_get_serial_sequence({_literal(_ident(table))}, "
            f"{_literal(column)}), next, false); END $$"
        )
    statements += triggers  # after the rows: the template's rows are no company's visits
    return statements


def _creation_order(references: dict[str, set[str]]) -> tuple[list[str], set[tuple[str, str]]]:
    """Tables in an order where each comes after the tables it references, and the (table, referenced)
    pairs that close a cycle of references, whose foreign keys are added once both tables exist."""
    order: list[str] = []
    closing: set[tuple[str, str]] = set()
    left = sorted(references)
    while left:
        ready = [table for table in left if not (references[table] & set(left))]
        if not ready:  # a cycle: create the first table left now, its references to the others later
            table = left[0]
            closing |= {(table, ref) for ref in references[table] & set(left)}
            ready = [table]
        order += ready
        left = [table for table in left if table not in ready]
    return order, closing


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def clone_schema(*, template: str, target: str) -> None:
    """Create schema `target` as a copy of `template`, inside the caller's transaction (all or nothing)."""
    statements = clone_statements(template=template, target=target)
    with connection.cursor() as cursor:
        if tenant_connection().ddl_apart:
            # Citus forwards a DDL statement's whole query text to the workers: one statement at a time there.
            for statement in statements:
                cursor.execute(statement)
        else:
            cursor.execute(";\n".join(statements))
    # The replay moved the search_path; make django-tenants set it again.
    tenant_connection().preamble_forget()
