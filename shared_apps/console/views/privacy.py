"""The IT console's search for one person across companies."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from django_tenants.utils import tenant_context

from shared_apps.accounts.access import staff_required
from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from shared_apps.console.forms import PlatformPersonSearchForm
from tenant_apps.privacy.exports.final_link import final_export_from_token
from tenant_apps.privacy.exports.lifecycle import export_download_name, export_storage
from tenant_apps.privacy.models import Export
from tenant_apps.privacy.platform_search import persons_find_across


@staff_required(User.Role.IT)
@require_http_methods(["GET", "POST"])
def platform_people(request: HttpRequest) -> HttpResponse:
    form = PlatformPersonSearchForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = persons_find_across(
            query=form.cleaned_data["query"], building=form.cleaned_data["building"],
            actor=f"it:{request.user.email}", request=request,  # type: ignore[union-attr]
        )  # fmt: skip
    return render(request, "console/platform_people.html", {"form": form, "found": found})


def final_export_file(request: HttpRequest, token: str) -> HttpResponse:
    """A removed company's final export, for whoever holds the signed link its admins were e-mailed; audited."""
    company, export_id = final_export_from_token(token)
    with tenant_context(company):
        export = Export.objects.filter(pk=export_id, kind=Export.Kind.FINAL, status=Export.Status.READY).first()
        if export is None or not export.storage_name:
            raise Http404
        audit_record(actor="link:final-export", action="export.download", request=request,
                     object_ids={"export": [export.pk]})  # fmt: skip
        response = FileResponse(
            export_storage().open(export.storage_name, "rb"), as_attachment=True, filename=export_download_name(export)
        )
    response["Cache-Control"] = "no-store"
    return response  # type: ignore[return-value]
