from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shared_apps.accounts.access import staff_required
from shared_apps.accounts.models import User
from shared_apps.tenancy.selectors import buildings_with_companies


@staff_required(User.Role.IT)
def console_home(request: HttpRequest) -> HttpResponse:
    """The IT console's overview: every building and its companies."""
    return render(request, "tenancy/console_home.html", {"buildings": buildings_with_companies()})
