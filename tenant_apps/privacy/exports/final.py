"""The final export of a company leaving the platform."""

from django.db import transaction
from django_tenants.utils import tenant_context

from shared_apps.audit.services import audit_record
from shared_apps.tenancy.models import Tenant
from tenant_apps.privacy.exports.final_link import final_export_url
from tenant_apps.privacy.exports.lifecycle import export_generate, schedule_generation
from tenant_apps.privacy.mail import admins_notify
from tenant_apps.privacy.models import Export


def company_final_export(company: Tenant, *, actor: str = "system:privacy") -> Export:
    """Queue an all-time export of a company that is being removed; its admins get the download link when ready."""
    with tenant_context(company), transaction.atomic():
        export = Export.objects.create(kind=Export.Kind.FINAL)
        audit_record(
            actor=actor, action="export.final", tenant_schema=company.schema_name, object_ids={"export": [export.pk]}
        )
        schedule_generation(export)
    return export


def final_export_generate(*, export_id: int) -> Export:
    """Write a final export, then e-mail the admins its download link (current schema)."""
    export = export_generate(export_id=export_id)
    if export.status == Export.Status.READY:
        admins_notify(
            template="final_export",
            context={
                # The company's own host answers 404 once it is removed: the link goes to the root host.
                "download_url": final_export_url(export_id=export.pk),
                "expires_at": export.expires_at,
            },
        )
    return export
