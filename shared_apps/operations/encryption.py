"""Secrets encrypted at rest: TOTP secrets, webhook signing secrets, any credential a row must hold in a usable form.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under the keys of CHECKIN_ENCRYPTION_KEYS: the first
key encrypts, every key decrypts, so a new key is put first, `manage.py reencrypt_secrets` rewrites every value
under it, and only then is the old key removed (deploy/README.md, "Rotating the encryption key").
A database dump or a read-only SQL session then holds tokens, never the secrets.
"""

import base64
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from hashlib import sha256
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import RunPython
from django.db.migrations.state import StateApps

# Every Fernet token starts so (version byte 0x80, then a 64-bit timestamp's high zeros); no clear value here does.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 - a format marker, not a secret


@lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("CHECKIN_ENCRYPTION_KEYS holds no key.")
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    # Read on each call (cached per key list), so a test or a rotation that changes the setting is honoured.
    return _cipher(tuple(settings.CHECKIN_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return cipher().encrypt(plaintext.encode()).decode()


class SecretUnreadable(Exception):
    """A stored value that none of the configured keys decrypts: a key was removed too early, or the row was
    written with keys this deployment does not have."""


_UNREADABLE = (
    "A stored secret cannot be decrypted with any key of CHECKIN_ENCRYPTION_KEYS: put back the key it was "
    "encrypted with (after the current one), then run `manage.py reencrypt_secrets`."
)


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(_UNREADABLE) from None


def rotate(token: str) -> str:
    """The same secret under the first key (MultiFernet.rotate: decrypt with any key, encrypt with the first)."""
    try:
        return cipher().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(_UNREADABLE) from None


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


class EncryptedTextField(models.TextField):
    """A text column whose value is stored as a Fernet token and read back in clear.

    Tokens differ on every write, so the column cannot be searched or made unique: use it only for
    values that are read through their row. The empty string stays empty, so `blank=True` keeps meaning
    "not set" without a key.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: BaseDatabaseWrapper) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


@dataclass(frozen=True)
class EncryptedColumn:
    schema: str
    table: str
    column: str


def encrypted_columns() -> list[EncryptedColumn]:
    """Every encrypted column in every schema of the database: tenants, templates, spares and the public one."""
    wanted = {
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField) and field.column
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3"
        )
        return [EncryptedColumn(*row) for row in cursor.fetchall() if (row[1], row[2]) in wanted]


@transaction.atomic
def secrets_reencrypt() -> int:
    """Encrypt every stored secret again under the first key; afterwards the other keys may be removed.

    All or nothing: a value no key decrypts stops the run (SecretUnreadable) and nothing is changed.
    Returns how many values were rewritten.
    """
    return sum(
        column_transform(connection, schema=found.schema, table=found.table, column=found.column, change=rotate)
        for found in encrypted_columns()
    )


def column_transform(
    connection: BaseDatabaseWrapper, *, table: str, column: str, change: Callable[[str], str], schema: str = ""
) -> int:
    """Rewrite every non-empty value of `table.column` with `change(value)`, in `schema` (else the current one).

    Raw SQL on purpose: the data migrations and the re-encryption see the stored text, not the model's
    decrypted value, and bump no `auto_now` column. Returns how many rows changed.
    """
    quote = connection.ops.quote_name
    target = f"{quote(schema)}.{quote(table)}" if schema else quote(table)
    changed = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {quote(column)} FROM {target} WHERE {quote(column)} <> '' FOR UPDATE")
        for row_id, stored in cursor.fetchall():
            new = change(stored)
            if new != stored:
                cursor.execute(f"UPDATE {target} SET {quote(column)} = %s WHERE id = %s", [new, row_id])
                changed += 1
    return changed


def encrypt_if_clear(value: str) -> str:
    """For the data migrations: a value stored before encryption gets encrypted, a token is left alone."""
    return value if is_token(value) else encrypt(value)


def decrypt_if_token(value: str) -> str:
    """For the data migrations going backwards: the clear value again."""
    return decrypt(value) if is_token(value) else value


def encrypt_column_operation(app_label: str, model_name: str, column: str) -> RunPython:
    """The data migration that encrypts a column's clear values (and decrypts them when migrating back)."""

    def transform(change: Callable[[str], str]) -> Callable[[StateApps, BaseDatabaseSchemaEditor], None]:
        def run(state_apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
            table = state_apps.get_model(app_label, model_name)._meta.db_table
            column_transform(schema_editor.connection, table=table, column=column, change=change)

        return run

    return RunPython(transform(encrypt_if_clear), transform(decrypt_if_token))


# Codes a person types or scans (kiosk pairing codes, visit codes) are credentials that the server only ever
# compares: it stores their keyed digest, HMAC-SHA256 under a key derived (HKDF-SHA256) from each key of
# CHECKIN_ENCRYPTION_KEYS, so a dump neither holds the codes nor lets anyone test guesses without the key.
CODE_DIGEST_INFO = b"checkin code digest v1"
CODE_DIGEST_LENGTH = 64  # hex


@lru_cache(maxsize=8)
def _digest_keys(keys: tuple[str, ...]) -> tuple[bytes, ...]:
    if not keys:
        raise ImproperlyConfigured("CHECKIN_ENCRYPTION_KEYS holds no key.")
    return tuple(
        HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=CODE_DIGEST_INFO).derive(
            base64.urlsafe_b64decode(key)
        )
        for key in keys
    )


def _digest(key: bytes, code: str) -> str:
    return hmac.new(key, code.encode(), sha256).hexdigest()


def code_digest(code: str) -> str:
    """What a row keeps of a code: its digest under the first key (the one new codes are made with)."""
    return _digest(_digest_keys(tuple(settings.CHECKIN_ENCRYPTION_KEYS))[0], code)


def code_digests(code: str) -> list[str]:
    """The code's digest under every key, first key first: a lookup matches any of them, so a code made before a
    key rotation keeps working while its key is still listed (digests cannot be re-keyed without the code)."""
    return [_digest(key, code) for key in _digest_keys(tuple(settings.CHECKIN_ENCRYPTION_KEYS))]


def code_digest_operation(
    app_label: str, model_name: str, *, code: str, digest: str, new_code: Callable[[], str]
) -> RunPython:
    """The data migration that replaces each clear code by its digest (the code column left NULL); back, each row
    gets a fresh code, since a digest gives no code back (codes handed out before stop working)."""

    def forward(state_apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        table = schema_editor.connection.ops.quote_name(state_apps.get_model(app_label, model_name)._meta.db_table)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {code} FROM {table} WHERE {code} IS NOT NULL FOR UPDATE")
            for row_id, clear in cursor.fetchall():
                cursor.execute(
                    f"UPDATE {table} SET {digest} = %s, {code} = NULL WHERE id = %s", [code_digest(clear), row_id]
                )

    def backward(state_apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        table = schema_editor.connection.ops.quote_name(state_apps.get_model(app_label, model_name)._meta.db_table)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} FOR UPDATE")
            for (row_id,) in cursor.fetchall():
                cursor.execute(f"UPDATE {table} SET {code} = %s, {digest} = NULL WHERE id = %s", [new_code(), row_id])

    return RunPython(forward, backward)
