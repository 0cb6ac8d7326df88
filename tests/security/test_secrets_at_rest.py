"""Secrets at rest: a dump of the database passes no second factor, and the encryption key can be rotated.

The seeded accounts (demo and harbour) were committed with DEMO_TOTP_SECRET, so a real pg_dump of the test
database would show it if it were stored in clear.
"""

import re
import subprocess

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_context, tenant_context

from checkin.demo import DEMO_TOTP_SECRET
from shared_apps.accounts import totp
from shared_apps.accounts.models import TwoFactorDevice
from shared_apps.audit.models import AuditEntry
from shared_apps.operations.encryption import (
    SecretUnreadable,
    encrypt_column_operation,
    encrypted_columns,
    is_token,
)
from shared_apps.tenancy.models import Tenant
from tenant_apps.notifications.services import webhook_settings_update
from tenant_apps.visits.selectors import company_settings
from tests.server_tools import server_tools

NEW_KEY = Fernet.generate_key().decode()


def _raw(schema: str, table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{schema}"."{table}" WHERE "{column}" <> \'\'')
        return [value for (value,) in cursor.fetchall()]


def _secrets_by_account() -> dict[tuple[str, int], str]:
    """Every TOTP secret of every schema, decrypted through the model as the sign-in reads it."""
    found = {}
    schemas = Tenant.objects.exclude(status=Tenant.Status.TEMPLATE).values_list("schema_name", flat=True)
    for schema in schemas:
        with schema_context(schema):
            for device in TwoFactorDevice.objects.all():
                found[(schema, device.user_id)] = device.secret
    return found


def test_a_database_dump_holds_no_totp_secret_in_clear(db):
    database = connection.settings_dict
    dump = subprocess.run(
        [str(server_tools() / "pg_dump"), "--data-only", "-h", database["HOST"] or "127.0.0.1",
         "-p", str(database["PORT"] or 5432), "-U", database["USER"], database["NAME"]],
        capture_output=True, text=True, check=True, env={"PGPASSWORD": database["PASSWORD"] or ""},
    ).stdout  # fmt: skip
    assert "accounts_twofactordevice" in dump  # the seeded devices are in it...
    assert DEMO_TOTP_SECRET not in dump  # ...but not their secret
    assert totp.secret_for_reading(DEMO_TOTP_SECRET) not in dump


def test_every_stored_secret_is_a_token_in_sql_and_clear_through_the_model(acme):
    with tenant_context(acme):
        _saved, webhook_secret = webhook_settings_update(url="https://hooks.example/checkin", actor="test")
        assert company_settings().webhook_secret == webhook_secret
    columns = encrypted_columns()
    assert {(found.table, found.column) for found in columns} >= {
        ("accounts_twofactordevice", "secret"),
        ("visits_companysettings", "webhook_secret"),
    }
    stored = {value for found in columns for value in _raw(found.schema, found.table, found.column)}
    assert stored and all(is_token(value) for value in stored)
    assert DEMO_TOTP_SECRET not in stored and webhook_secret not in stored
    secrets = set(_secrets_by_account().values())  # the demo's, and any a browser test set up and committed
    assert DEMO_TOTP_SECRET in secrets and all(re.fullmatch(r"[A-Z2-7]{32}", secret) for secret in secrets)


def test_rotation_keeps_every_account_working_and_then_the_old_key_can_go(client_for, settings):
    old_key = settings.CHECKIN_ENCRYPTION_KEYS[0]
    before = _secrets_by_account()
    assert len(before) >= 3  # IT, tower's desk, harbour's desk at least

    settings.CHECKIN_ENCRYPTION_KEYS = [NEW_KEY, old_key]  # step 1: the new key first, the old one still decrypts
    assert _secrets_by_account() == before
    client_for("tower.localhost").sign_in("desk@tower.example")  # password, then a code from the app

    call_command("reencrypt_secrets")  # step 2
    tokens = _raw("public", "accounts_twofactordevice", "secret")
    assert tokens and all(Fernet(NEW_KEY.encode()).decrypt(token.encode()) for token in tokens)
    assert AuditEntry.objects.filter(action="secrets.reencrypted").exists()

    settings.CHECKIN_ENCRYPTION_KEYS = [NEW_KEY]  # step 3: the old key removed
    assert _secrets_by_account() == before
    client_for("harbour.localhost").sign_in("desk@harbour.example")
    client_for("localhost").sign_in("it@checkin.example")


def test_a_secret_no_key_decrypts_is_refused_with_an_explanation(db, settings):
    settings.CHECKIN_ENCRYPTION_KEYS = [NEW_KEY]  # the key the rows were written with is gone
    with pytest.raises(SecretUnreadable, match="put back the key it was encrypted with"):
        TwoFactorDevice.objects.first()
    with pytest.raises(CommandError, match="cannot be decrypted with any key"):
        call_command("reencrypt_secrets")


def test_the_data_migration_encrypts_secrets_stored_in_clear_and_back(tower_reception):
    """What accounts 0003 and visits 0004 do to the rows that existed before them."""
    operation = encrypt_column_operation("accounts", "TwoFactorDevice", "secret")
    state = MigrationExecutor(connection).loader.project_state(("accounts", "0003_two_factor_secret_encrypted")).apps
    schema = tower_reception.schema_name
    with tenant_context(tower_reception), connection.schema_editor(atomic=False) as editor:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_twofactordevice SET secret = %s", [DEMO_TOTP_SECRET])  # as before 0003
            cursor.execute("SELECT count(*) FROM accounts_twofactordevice")
            (devices,) = cursor.fetchone()
        assert devices and _raw(schema, "accounts_twofactordevice", "secret") == [DEMO_TOTP_SECRET] * devices

        operation.code(state, editor)
        operation.code(state, editor)  # a second run leaves the tokens alone
        assert all(is_token(value) for value in _raw(schema, "accounts_twofactordevice", "secret"))
        assert {device.secret for device in TwoFactorDevice.objects.all()} == {DEMO_TOTP_SECRET}

        assert operation.reverse_code is not None
        operation.reverse_code(state, editor)
        assert _raw(schema, "accounts_twofactordevice", "secret") == [DEMO_TOTP_SECRET] * devices
