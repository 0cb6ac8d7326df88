"""The fleet overview for IT: buildings, companies, schemas, today's visits and last purges."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shared_apps.accounts.access import staff_required
from shared_apps.accounts.models import User
from shared_apps.console.selectors import fleet_overview


@staff_required(User.Role.IT)
def maintenance(request: HttpRequest) -> HttpResponse:
    return render(request, "console/maintenance.html", {"fleet": fleet_overview()})
