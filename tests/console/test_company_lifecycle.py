"""Suspend, reactivate, remove, and the drop of a removed company's schema after its grace period."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_exists

from shared_apps.audit.models import AuditEntry
from shared_apps.provisioning.companies import (
    company_provision,
    company_reactivate,
    company_remove,
    company_schemas_drop_due,
    company_suspend,
    company_update,
)
from shared_apps.provisioning.tasks import drop_removed_company_schemas
from shared_apps.tenancy.models import Domain, Tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def umbrella(tower):
    return company_provision(building=tower, slug="umbrella", name="Umbrella", admin_email="a@umbrella.example",
                             actor="test")  # fmt: skip


def test_a_suspended_company_shows_the_suspended_page_and_comes_back(umbrella, client_for):
    company_suspend(company=umbrella, actor="test")
    response = client_for("umbrella.localhost").get("/accounts/login/")
    assert response.status_code == 503 and b"suspended" in response.content
    company_reactivate(company=umbrella, actor="test")
    assert client_for("umbrella.localhost").get("/accounts/login/").status_code == 200
    actions = AuditEntry.objects.filter(tenant_schema="umbrella").values_list("action", flat=True)
    assert {"company.suspend", "company.reactivate"} <= set(actions)


def test_suspending_twice_is_refused(umbrella):
    company_suspend(company=umbrella, actor="test")
    with pytest.raises(ValidationError):
        company_suspend(company=umbrella, actor="test")


def test_a_removed_company_404s_at_once_and_is_dropped_after_the_grace_period(umbrella, client_for, settings):
    settings.CHECKIN_REMOVAL_GRACE_DAYS = 30
    company_remove(company=umbrella, actor="test")
    assert client_for("umbrella.localhost").get("/accounts/login/").status_code == 404
    assert company_schemas_drop_due(actor="test") == []  # still in its grace period
    assert schema_exists("umbrella")
    later = timezone.now() + datetime.timedelta(days=31)
    assert company_schemas_drop_due(actor="test", now=later) == ["umbrella"]
    assert not schema_exists("umbrella")
    assert not Domain.objects.filter(tenant=umbrella).exists()
    assert AuditEntry.objects.filter(action="company.schema_drop", tenant_schema="umbrella").exists()
    assert company_schemas_drop_due(actor="test", now=later) == []


def test_migrate_schemas_passes_over_a_dropped_company(umbrella, settings):
    """Its tenant row stays after the drop (the slug is never reused); the next release's migrate must not fail."""
    company_remove(company=umbrella, actor="test")
    company_schemas_drop_due(actor="test", now=timezone.now() + datetime.timedelta(days=3650))
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
    assert not schema_exists("umbrella")


def test_the_command_and_the_task_drop_what_is_due(umbrella):
    company_remove(company=umbrella, actor="test")
    Tenant.objects.filter(pk=umbrella.pk).update(schema_drop_after=timezone.now() - datetime.timedelta(minutes=1))
    assert drop_removed_company_schemas.apply().get() == ["umbrella"]
    call_command("drop_removed_companies")  # nothing left: says so and succeeds
    assert not schema_exists("umbrella")


def test_edit_changes_name_and_custom_domain(umbrella):
    company_update(company=umbrella, actor="test", name="Umbrella Corp", custom_domain="in.umbrella.example")
    assert umbrella.name == "Umbrella Corp"
    assert Domain.objects.filter(tenant=umbrella, is_primary=False).get().domain == "in.umbrella.example"
    company_update(company=umbrella, actor="test", name="Umbrella Corp", custom_domain="")
    assert not Domain.objects.filter(tenant=umbrella, is_primary=False).exists()
    assert Domain.objects.filter(tenant=umbrella, is_primary=True).exists()


def test_the_create_command_provisions_and_invites(tower, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_company", "hooli", "--building", "tower", "--name", "Hooli",
                     "--admin-email", "gavin@hooli.example")  # fmt: skip
    assert [message.to for message in mailoutbox] == [["gavin@hooli.example"]]
