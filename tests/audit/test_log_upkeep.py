"""The nightly upkeep of the logs (shared_apps/accounts/log_upkeep.py): client addresses truncated after
CHECKIN_LOG_IP_PSEUDONYMISE_DAYS, sign-in records and audit entries deleted after their retention, in every schema;
and no request role, of any host type, can change or remove a row, nor use the job's way to."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from checkin.celery import app
from shared_apps.accounts.models import SignInRecord
from shared_apps.accounts.tasks import log_upkeep_all_task
from shared_apps.audit.models import AuditEntry
from shared_apps.database import db_roles
from shared_apps.database.connection import tenant_connection
from tests.security.test_database_roles import current_user, refused, request_on, run

pytestmark = pytest.mark.django_db
NOW = timezone.now()
SCHEMAS = ["public", "acme", "tower"]


def _signin(schema: str, days: int, ip: str | None) -> int:
    with schema_context(schema):
        record = SignInRecord.objects.create(
            event=SignInRecord.Event.FAILED, identifier=f"{days}@example.org", ip=ip, at=NOW - dt.timedelta(days=days)
        )
    return record.pk


def _audit(days: int, ip: str | None) -> int:
    """An entry written `days` ago (`at` is set by the database on insert, so it is inserted as it was then)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO public.audit_auditentry (at, actor, action, tenant_schema, ip, object_ids, details)"
            " VALUES (%s, 'it:old@checkin.example', 'test.old', 'acme', %s, '{}', '{}') RETURNING id",
            [NOW - dt.timedelta(days=days), ip],
        )
        return cursor.fetchone()[0]


def _signin_ips(schema: str) -> dict[int, str | None]:
    with schema_context(schema):
        return dict(SignInRecord.objects.values_list("pk", "ip"))


def test_the_job_truncates_addresses_when_due_and_deletes_rows_past_their_retention(eager, settings):
    settings.CHECKIN_LOG_IP_PSEUDONYMISE_DAYS = 90
    settings.CHECKIN_SIGNIN_RECORD_DAYS = 365
    settings.CHECKIN_AUDIT_RETENTION_DAYS = 730
    rows = {}
    for schema in SCHEMAS:
        rows[schema] = {
            "fresh": _signin(schema, 89, "198.51.100.23"),
            "v4": _signin(schema, 91, "198.51.100.23"),
            "v6": _signin(schema, 200, "2001:db8:abcd:12:3456::1"),
            "none": _signin(schema, 300, None),
            "old": _signin(schema, 366, "198.51.100.23"),
        }
    audit = {"fresh": _audit(89, "203.0.113.77"), "v4": _audit(400, "203.0.113.77"), "old": _audit(731, "203.0.113.7")}

    assert log_upkeep_all_task.delay().get() >= 2  # every company and reception schema had its own task

    for schema in SCHEMAS:
        ips = _signin_ips(schema)
        assert ips == {
            rows[schema]["fresh"]: "198.51.100.23",
            rows[schema]["v4"]: "198.51.100.0",
            rows[schema]["v6"]: "2001:db8:abcd::",
            rows[schema]["none"]: None,
        }, schema
    entries = dict(AuditEntry.objects.filter(action="test.old").values_list("pk", "ip"))
    assert entries == {audit["fresh"]: "203.0.113.77", audit["v4"]: "203.0.113.0"}
    upkeep = AuditEntry.objects.get(action="log.upkeep", tenant_schema="public")
    assert upkeep.details == {
        "accounts_signinrecord.pseudonymised": 2, "accounts_signinrecord.deleted": 1,
        "audit_auditentry.pseudonymised": 1, "audit_auditentry.deleted": 1,
    }  # fmt: skip
    assert AuditEntry.objects.filter(action="log.upkeep", tenant_schema="acme").exists()

    # A second run finds nothing due: what was done stays done, nothing else moves.
    before = {schema: _signin_ips(schema) for schema in SCHEMAS}
    log_upkeep_all_task.delay().get()
    assert {schema: _signin_ips(schema) for schema in SCHEMAS} == before
    assert AuditEntry.objects.filter(action="log.upkeep").count() == 1 + 2  # public, acme, tower (globex had none)


def test_the_function_does_no_more_than_its_job_even_for_the_owner(db):
    future = NOW + dt.timedelta(days=1)
    assert "only rows of the past" in refused(
        f"SELECT * FROM public.checkin_log_maintain('public', 'audit_auditentry', now(), '{future.isoformat()}')"
    )
    assert "looks after no table" in refused(
        "SELECT * FROM public.checkin_log_maintain('acme', 'visits_visitor', now(), now())"
    )
    # Outside the function, the owner itself still may not remove an audit entry.
    assert "append-only" in refused("DELETE FROM public.audit_auditentry")


REQUEST_HOSTS = {"localhost": "public", "acme.localhost": "acme", "tower.localhost": "tower"}


@pytest.mark.parametrize("host", REQUEST_HOSTS)
def test_no_request_role_can_change_or_remove_log_rows_nor_call_the_job(host, acme):
    schema = REQUEST_HOSTS[host]
    _signin(schema, 400, "198.51.100.23")
    _audit(800, "203.0.113.7")
    with request_on(host):
        assert current_user() == db_roles.schema_role(REQUEST_HOSTS[host])
        assert run("SELECT count(*) FROM accounts_signinrecord")[0][0] >= 1  # it reads and adds its own
        for sql in [
            "UPDATE accounts_signinrecord SET ip = NULL",
            "DELETE FROM accounts_signinrecord",
            "TRUNCATE accounts_signinrecord",
            "UPDATE public.audit_auditentry SET ip = NULL",
            "DELETE FROM public.audit_auditentry",
            "SELECT * FROM public.checkin_log_maintain('public', 'audit_auditentry', now(), now())",
            f"SELECT * FROM public.checkin_log_maintain('{schema}', 'accounts_signinrecord', now(), now())",
        ]:
            error = refused(sql)
            assert "permission denied" in error or "must be" in error, (sql, error)
        # A role may set any custom setting it likes: none lets it through either.
        assert "permission denied" in refused(
            "SELECT set_config('checkin.log_maintenance', 'on', true); DELETE FROM accounts_signinrecord"
        )
    assert _signin_ips(REQUEST_HOSTS[host])  # all still there


def test_the_web_login_cannot_become_the_maintainer_nor_call_the_job(web_login, acme):
    """SET ROLE is checked against the login, not the role a request runs as: the web process's login (a member of
    the app role only, as in production) may not take the maintainer's role, nor run the job's function."""
    import psycopg

    from tests.deploy.processes import current_test_database_url

    maintainer = db_roles.log_maintainer_role()
    url = current_test_database_url(user=web_login)
    with psycopg.connect(url, autocommit=True) as db:
        for sql in [
            f'SET ROLE "{maintainer}"',
            "SELECT * FROM public.checkin_log_maintain('public', 'audit_auditentry', now(), now())",
            f'SET ROLE "{db_roles.schema_role("acme")}"; DELETE FROM acme.accounts_signinrecord',
        ]:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                db.execute(sql)
            db.execute("RESET ROLE")


def test_it_taking_a_companys_role_cannot_remove_its_sign_in_records_either(acme):
    _signin("acme", 400, "198.51.100.23")
    with request_on("localhost"):
        tenant_connection().set_tenant(acme)  # IT's root host may take any company's role
        assert current_user() == db_roles.schema_role("acme")
        assert "permission denied" in refused("DELETE FROM accounts_signinrecord")


def test_the_nightly_upkeep_is_on_beats_schedule_and_known_to_the_worker(settings):
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accounts.log_upkeep_all" in entries
    app.loader.import_default_modules()  # what a worker imports at start (autodiscovery)
    assert {"accounts.log_upkeep_all", "accounts.log_upkeep_schema"} <= set(app.tasks)


def test_an_upkeep_in_a_transaction_that_fails_leaves_everything(db, settings):
    from shared_apps.accounts.log_upkeep import log_upkeep

    old = _signin("acme", 400, "198.51.100.23")
    with pytest.raises(RuntimeError), transaction.atomic():
        log_upkeep(schema="acme")
        raise RuntimeError
    assert old in _signin_ips("acme")
