"""The two token tables of before (console's in public, the company API's in each company schema) moved into
api_tokens' table of the same schema by a migration: ids and hashes kept, so every existing key still works."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.api_tokens.models import ApiToken
from shared_apps.tenancy.models import Tenant
from tests.conftest import HostClient


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([target])


def _insert_old_token(table: str, *, secret: str, creator: User, revoked: bool = False) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, prefix, key_hash, created_by_id, created_at, revoked_at) "
            "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            ["old", secret[:8], hashlib.sha256(secret.encode()).hexdigest(), creator.pk, timezone.now(),
             timezone.now() if revoked else None],
        )  # fmt: skip
        return int(cursor.fetchone()[0])


def _migrated(app: str, old_table: str, creator: User) -> tuple[int, int]:
    """Back to before the move, one active and one revoked token in the old table, then forwards again."""
    _migrate((app, "0001_initial"))
    active = _insert_old_token(old_table, secret=f"{app}-old-secret", creator=creator)
    revoked = _insert_old_token(old_table, secret=f"{app}-revoked-secret", creator=creator, revoked=True)
    with connection.cursor() as cursor:  # as if committed before: the old table is dropped in this transaction
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    return active, revoked


@pytest.mark.django_db
def test_it_tokens_move_into_the_public_schema_table_and_their_secrets_still_work(client_for):
    it = User.objects.get(email="it@checkin.example")
    active, revoked = _migrated("console", "console_apitoken", it)
    assert ApiToken.objects.get(pk=active).created_by == it and ApiToken.objects.get(pk=revoked).revoked_at
    api = client_for("localhost")
    assert api.get("/api/v1/companies/", HTTP_AUTHORIZATION="Token console-old-secret").status_code == 200
    assert api.get("/api/v1/companies/", HTTP_AUTHORIZATION="Bearer console-old-secret").status_code == 200
    assert api.get("/api/v1/companies/", HTTP_AUTHORIZATION="Bearer console-revoked-secret").status_code == 401
    new_id = ApiToken.objects.create(name="after", prefix="x", key_hash="x" * 64, created_by=it).pk
    assert new_id > max(active, revoked)  # the id sequence continues after the moved ids


def test_company_tokens_move_into_the_company_schema_table_and_their_keys_still_work(acme: Tenant):
    with tenant_context(acme):
        admin = User.objects.get(email="admin@acme.example")
        active, revoked = _migrated("api", "api_apitoken", admin)
        assert {token.pk for token in ApiToken.objects.all()} >= {active, revoked}
    api = HostClient("acme.localhost")
    assert api.get("/api/v1/hosts/", HTTP_AUTHORIZATION="Bearer api-old-secret").status_code == 200
    assert api.get("/api/v1/hosts/", HTTP_AUTHORIZATION="Bearer api-revoked-secret").status_code == 401
