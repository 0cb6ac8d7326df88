"""Moves the tokens of an app's old token table into api_tokens_apitoken, in the schema being migrated.

The two token tables of before (console_apitoken in public, api_apitoken in each company schema) each
become this app's table in the same schema. Ids are kept, so the audit log still points at the right token,
and key hashes too: both hashed the whole key with SHA-256, so every existing key keeps working.
Not a migration (the loader skips modules starting with "_"): the old apps' migrations use it.
"""

from django.db import migrations

COLUMNS = "id, name, prefix, key_hash, created_by_id, created_at, last_used_at, revoked_at"
NEW_TABLE = "api_tokens_apitoken"


def _move(source: str, target: str, *, where: str = "") -> list[str]:
    # Unqualified names: the migration runs with the search path of the schema it migrates.
    return [
        f"INSERT INTO {target} ({COLUMNS}) SELECT {COLUMNS} FROM {source} {where}",
        # Read, then set (same effect as one SELECT): on Citus a SELECT naming a company's table is sent whole to
        # the worker holding it, where the sequence (on the coordinator) is not found.
        f"DO $$ DECLARE high bigint; BEGIN SELECT MAX(id) INTO high FROM {target}; "
        f"PERFORM setval(pg_get_serial_sequence('{target}', 'id'), COALESCE(high, 1), high IS NOT NULL); END $$",
        f"DELETE FROM {source}",
    ]


def tokens_move_from(old_table: str, *, old_needs_creator: bool = False) -> migrations.RunSQL:
    """Forwards: every row of `old_table` into the new table. Backwards: back again (where the old table
    required a creator, tokens whose creator was since deleted cannot go back and are dropped)."""
    return migrations.RunSQL(
        _move(old_table, NEW_TABLE),
        _move(NEW_TABLE, old_table, where="WHERE created_by_id IS NOT NULL" if old_needs_creator else ""),
    )
