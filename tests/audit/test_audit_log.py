"""The audit log is append-only in the database itself."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from shared_apps.audit.models import AuditEntry
from shared_apps.audit.services import audit_record
from shared_apps.provisioning.companies import company_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_auditentry SET action = 'rewritten'", "DELETE FROM audit_auditentry", "TRUNCATE audit_auditentry"],
)
def test_audit_rows_cannot_be_changed_or_removed(statement):
    audit_record(actor="it:test", action="test.entry")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.filter(action="test.entry").exists()


def test_provisioning_is_audited_without_names(tower):
    company = company_create(building=tower, slug="audited", name="Audited Ltd", actor="it:iris@checkin.example")
    entry = AuditEntry.objects.get(action="company.create", tenant_schema="audited")
    assert entry.actor == "it:iris@checkin.example"
    assert entry.object_ids["tenant"] == [company.pk]
