"""The retention purge, with time frozen: what goes, what stays, and that it is safe to run again or at once."""

import datetime as dt
import io

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from shared_apps.database.locks import LockKey
from tenant_apps.privacy.purge import company_purge
from tenant_apps.privacy.tasks import purge_all_task
from tenant_apps.visits.models import Visit, VisitEvent, Visitor
from tests.privacy.conftest import person, set_retention, visit

DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)


def test_it_deletes_a_visit_a_minute_past_the_boundary_and_keeps_one_a_minute_short(acme, frozen):
    with tenant_context(acme):
        set_retention(30)
        old = visit(person(email="old@example.org"), ended=frozen.now - 30 * DAY - MINUTE)
        young = visit(person(email="young@example.org"), ended=frozen.now - 30 * DAY + MINUTE)
        result = company_purge()
        assert not Visit.objects.filter(pk=old.pk).exists()
        assert not VisitEvent.objects.filter(visit_id=old.pk).exists()
        assert Visit.objects.filter(pk=young.pk).exists()
        assert result.visits == 1


def test_it_ends_a_visit_at_check_out_not_at_its_planned_end(acme, frozen):
    with tenant_context(acme):
        set_retention(10)
        stayed_late = visit(person(), ended=frozen.now - 10 * DAY + MINUTE)
        Visit.objects.filter(pk=stayed_late.pk).update(
            expected_end=frozen.now - 20 * DAY, expected_start=frozen.now - 21 * DAY
        )
        company_purge()
        assert Visit.objects.filter(pk=stayed_late.pk).exists()


def test_it_deletes_no_shows_cancelled_and_never_marked_visits_by_their_planned_end(acme, frozen):
    with tenant_context(acme):
        set_retention(7)
        due = [
            visit(person(email="n@example.org"), ended=frozen.now - 8 * DAY, state=Visit.State.NO_SHOW),
            visit(person(email="c@example.org"), ended=frozen.now - 8 * DAY, state=Visit.State.CANCELLED),
            visit(person(email="e@example.org"), ended=frozen.now - 8 * DAY, state=Visit.State.EXPECTED),
        ]
        kept = [
            visit(person(email="n2@example.org"), ended=frozen.now - 6 * DAY, state=Visit.State.NO_SHOW),
            visit(person(email="c2@example.org"), ended=frozen.now - 6 * DAY, state=Visit.State.CANCELLED),
            # Still in the building, however old the visit: never purged.
            visit(person(email="s@example.org"), ended=frozen.now - 90 * DAY, state=Visit.State.ON_SITE),
        ]
        company_purge()
        assert not Visit.objects.filter(pk__in=[v.pk for v in due]).exists()
        assert Visit.objects.filter(pk__in=[v.pk for v in kept]).count() == 3


def test_it_keeps_a_visitor_with_a_remaining_visit_and_deletes_one_left_without(acme, frozen):
    with tenant_context(acme):
        set_retention(30)
        regular, once = person(email="regular@example.org"), person(email="once@example.org")
        visit(regular, ended=frozen.now - 40 * DAY)
        recent = visit(regular, ended=frozen.now - 2 * DAY)
        visit(once, ended=frozen.now - 40 * DAY)
        result = company_purge()
        assert Visitor.objects.filter(pk=regular.pk).exists()
        assert list(Visit.objects.filter(visitor=regular)) == [recent]
        assert not Visitor.objects.filter(pk=once.pk).exists()
        assert (result.visits, result.visitors) == (2, 1)


def test_it_leaves_other_companies_untouched(acme, globex, frozen):
    with tenant_context(globex):
        set_retention(30)
        theirs = visit(person(email="g@example.org"), ended=frozen.now - 400 * DAY)
    with tenant_context(acme):
        set_retention(30)
        visit(person(email="a@example.org"), ended=frozen.now - 400 * DAY)
        company_purge()
        assert not Visit.objects.filter(visitor__email="a@example.org").exists()
    with tenant_context(globex):
        assert Visit.objects.filter(pk=theirs.pk).exists()


def test_a_second_run_deletes_nothing_and_only_the_first_is_audited_with_counts(acme, frozen):
    with tenant_context(acme):
        set_retention(30)
        visit(person(), ended=frozen.now - 31 * DAY)
        first, second = company_purge(), company_purge()
    assert (first.visits, first.visitors, first.deleted["visits.visitevent"]) == (1, 1, 3)
    assert not any(second.deleted.values())
    entries = list(AuditEntry.objects.filter(action="retention.purge", tenant_schema="acme"))
    assert len(entries) == 1
    # Its deliveries (written with the visit's changes) go with it.
    assert entries[0].details["deleted"] == {
        "visits.visit": 1, "visits.visitor": 1, "visits.visitevent": 3, "notifications.delivery": 2,
    }  # fmt: skip
    assert "Vandenberghe" not in str(entries[0].details) and "zoe@" not in str(entries[0].details)


def test_it_deletes_in_batches(acme, frozen, settings):
    settings.CHECKIN_PURGE_BATCH_SIZE = 2
    with tenant_context(acme):
        set_retention(30)
        someone = person()
        for days in range(31, 36):
            visit(someone, ended=frozen.now - days * DAY)
        assert company_purge().visits == 5
        assert not Visitor.objects.filter(pk=someone.pk).exists()


def test_a_purge_does_not_run_while_another_holds_the_schema(acme, frozen):
    db = connection.settings_dict
    other = psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None, host=db["HOST"], port=db["PORT"] or None,
        autocommit=True,
    )  # fmt: skip
    try:
        other.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LockKey.PURGE, "acme"])
        with tenant_context(acme):
            set_retention(30)
            old = visit(person(), ended=frozen.now - 31 * DAY)
            result = company_purge()
            assert not result.ran
            assert Visit.objects.filter(pk=old.pk).exists()
            other.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [LockKey.PURGE, "acme"])
            assert company_purge().visits == 1
    finally:
        other.close()


def test_the_command_counts_on_a_dry_run_and_deletes_for_one_company(acme, globex, frozen):
    for company in (acme, globex):
        with tenant_context(company):
            set_retention(30)
            visit(person(), ended=frozen.now - 31 * DAY)
    out = io.StringIO()
    call_command("purge_visits", "--dry-run", "--company", "acme", stdout=out)
    assert "acme: would delete 1 visits and 1 visitors" in out.getvalue()
    with tenant_context(acme):
        assert Visit.objects.filter(visitor__email="zoe@example.org").exists()
    call_command("purge_visits", "--company", "acme", stdout=out)
    assert "acme: deleted 1 visits and 1 visitors" in out.getvalue()
    with tenant_context(acme):
        assert not Visitor.objects.filter(email="zoe@example.org").exists()
    with tenant_context(globex):
        assert Visitor.objects.filter(email="zoe@example.org").exists()


def test_the_command_refuses_an_unknown_company(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("purge_visits", "--company", "nope")


def test_the_daily_task_purges_every_company(acme, globex, frozen, eager):
    for company in (acme, globex):
        with tenant_context(company):
            set_retention(30)
            visit(person(), ended=frozen.now - 31 * DAY)
    assert purge_all_task.delay().get() >= 2
    for company in (acme, globex):
        with tenant_context(company):
            assert not Visitor.objects.filter(email="zoe@example.org").exists()


def test_beat_runs_the_purge_daily():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"privacy.purge_all", "privacy.purge_notices_all", "privacy.exports_expire_all"} <= tasks
