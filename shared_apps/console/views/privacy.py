"""The IT console's privacy pages: the search for one person across companies, a removed company's final export."""

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from shared_apps.accounts.access import rule_required
from shared_apps.console.access import is_platform_it
from shared_apps.console.forms import PlatformPersonSearchForm
from tenant_apps.privacy.exports.final_link import final_export_open
from tenant_apps.privacy.platform_search import persons_find_across


@rule_required(is_platform_it)
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


def final_export_file(request: HttpRequest, token: str) -> FileResponse:
    """A removed company's final export, for whoever holds the signed link its admins were e-mailed; audited."""
    file, name = final_export_open(token=token, request=request)
    response = FileResponse(file, as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response
