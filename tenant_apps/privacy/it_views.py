"""The IT console's search for one person across companies."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from shared_apps.accounts.access import staff_required
from shared_apps.accounts.models import User
from tenant_apps.privacy.forms import PlatformPersonSearchForm
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
    return render(request, "privacy/platform_people.html", {"form": form, "found": found})
