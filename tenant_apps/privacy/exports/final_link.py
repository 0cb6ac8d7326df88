"""The download link of a removed company's final export.

A removed company's hosts answer 404 at once, so its admins fetch the final
export from the root host through a signed link e-mailed to them: the link
names the schema and the export, expires with the grace period, and works for
nothing else. Every download is audited.
"""

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.http import Http404, HttpRequest
from django.urls import reverse
from django_tenants.utils import tenant_context

from shared_apps.audit.services import audit_record
from shared_apps.database.connection import tenant_connection
from shared_apps.tenancy.links import tenant_url
from shared_apps.tenancy.models import Tenant
from shared_apps.tenancy.public_links import urlconf_of
from tenant_apps.privacy.exports.lifecycle import export_download_name, export_storage
from tenant_apps.privacy.models import Export

_SALT = "checkin.final-export"


def final_export_url(*, export_id: int) -> str:
    """An absolute link on the root host to the current company's final export."""
    token = signing.dumps({"schema": tenant_connection().schema_name, "export": export_id}, salt=_SALT)
    public = Tenant.objects.get(schema_name="public")
    return tenant_url(public) + reverse("privacy_it:final_export", args=[token], urlconf=urlconf_of(Tenant.Type.PUBLIC))


def final_export_from_token(token: str) -> tuple[Tenant, int]:
    """The company and export a link names; 404 for a forged, expired or foreign link."""
    max_age = (settings.CHECKIN_REMOVAL_GRACE_DAYS + 1) * 24 * 3600
    try:
        data = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.BadSignature:
        raise Http404 from None
    company = Tenant.objects.filter(schema_name=data.get("schema"), type=Tenant.Type.COMPANY).first()
    if company is None:
        raise Http404
    return company, int(data["export"])


def final_export_open(*, token: str, request: HttpRequest) -> tuple[File, str]:
    """The file a link names and the name to save it under; 404 unless it is a ready final export. Audited."""
    company, export_id = final_export_from_token(token)
    with tenant_context(company):
        export = Export.objects.filter(pk=export_id, kind=Export.Kind.FINAL, status=Export.Status.READY).first()
        if export is None or not export.storage_name:
            raise Http404
        audit_record(actor="link:final-export", action="export.download", request=request,
                     object_ids={"export": [export.pk]})  # fmt: skip
        return export_storage().open(export.storage_name, "rb"), export_download_name(export)
