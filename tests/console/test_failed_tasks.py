"""Failed background work: written down when a task fails for good, counted per kind and company for IT."""

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from checkin.celery import app
from shared_apps.audit.models import AuditEntry
from shared_apps.console.failed_tasks import PURGE_TASK, failed_tasks
from shared_apps.operations.task_failures import TASK_FAILED, task_failure_record
from tenant_apps.notifications.models import Delivery
from tenant_apps.privacy.models import Export
from tenant_apps.visits.models import Visit, Visitor

pytestmark = pytest.mark.django_db


@app.task(name="tests.always_fails")
def always_fails() -> None:
    raise RuntimeError("could not reach ada@example.org")


def test_a_task_that_fails_for_good_is_written_to_the_audit_log_without_its_message(acme):
    with tenant_context(acme):
        result = always_fails.apply(throw=False)  # as a worker runs it: the error stays in the result
    assert result.failed()
    entry = AuditEntry.objects.filter(action=TASK_FAILED).latest("at")
    assert entry.tenant_schema == "acme"
    assert entry.details == {"task": "tests.always_fails", "error": "RuntimeError"}
    assert "ada@example.org" not in str(entry.details) + str(entry.object_ids)


def _failed_delivery(company, *, days_ago: int = 0) -> None:
    now = timezone.now()
    with tenant_context(company):
        visitor = Visitor.objects.create(first_name="Zebulon", last_name="Quux")
        end = now + datetime.timedelta(hours=1)
        visit = Visit.objects.create(visitor=visitor, expected_start=now, expected_end=end, channel=Visit.Channel.DESK)
        delivery = Delivery.objects.create(
            visit=visit, kind=Delivery.Kind.INVITATION, status=Delivery.Status.FAILED, attempts=6,
            last_error="SMTPRecipientsRefused",
        )  # fmt: skip
        Delivery.objects.filter(pk=delivery.pk).update(created_at=now - datetime.timedelta(days=days_ago))


def _failed_export(company, *, kind: str = Export.Kind.REQUESTED) -> None:
    with tenant_context(company):
        Export.objects.create(status=Export.Status.FAILED, kind=kind)


def test_failed_tasks_are_counted_per_kind_and_per_company(acme, globex, tower):
    _failed_delivery(acme)
    _failed_delivery(acme)
    _failed_delivery(globex, days_ago=30)  # outside the window
    _failed_export(acme, kind=Export.Kind.FINAL)
    with tenant_context(acme):
        task_failure_record(task_name=PURGE_TASK, task_id="t1", error=TimeoutError())
        task_failure_record(
            task_name="privacy.export_generate", task_id="t2", error=OSError()
        )  # the export row says it
    with tenant_context(globex):
        task_failure_record(task_name="tenant_apps.notifications.tasks.deliver", task_id="t3", error=KeyError())
    task_failure_record(task_name="notifications.outbox_sweep_all", task_id="t4", error=ConnectionError())

    failed = failed_tasks()

    rows = {row.schema: row.counts for row in failed.rows}
    assert (rows["acme"].deliveries, rows["acme"].exports, rows["acme"].final_exports) == (2, 1, 1)
    assert (rows["acme"].purges, rows["acme"].other_tasks) == (1, 0)
    assert (rows["globex"].deliveries, rows["globex"].other_tasks) == (0, 1)
    assert rows[""].other_tasks == 1  # the platform's own tasks
    assert "initech" not in rows
    assert (failed.totals.deliveries, failed.totals.exports, failed.totals.purges, failed.totals.other_tasks) == (
        2, 1, 1, 2,
    )  # fmt: skip
    assert failed.rows[0].schema == "acme"  # most failures first


def test_the_maintenance_page_shows_failed_tasks_with_links(it_staff, acme):
    _failed_delivery(acme)
    with tenant_context(acme):
        task_failure_record(task_name=PURGE_TASK, task_id="t1", error=TimeoutError())

    page = it_staff.get("/console/maintenance/").content.decode()

    assert "Failed tasks in the last 7 days" in page
    assert 'href="/console/companies/acme/"' in page
    assert "/console/audit/?action=task.failed&amp;tenant=acme&amp;since=" in page
    assert "Zebulon" not in page and "Quux" not in page  # counts only


def test_the_maintenance_page_says_so_when_nothing_failed(it_staff):
    page = it_staff.get("/console/maintenance/").content.decode()
    assert "No failed tasks." in page


def test_the_maintenance_page_speaks_the_staff_language(it_staff):
    page = it_staff.get("/console/maintenance/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Tâches en échec" in page
