from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shared_apps.accounts.access import staff_required
from shared_apps.accounts.models import User
from shared_apps.tenancy.models import Tenant
from shared_apps.tenancy.selectors import companies_in_building


@staff_required(User.Role.DESK)
def desk_home(request: HttpRequest) -> HttpResponse:
    """The reception's start page: the building and the companies it serves."""
    reception = cast(Tenant, request.tenant)  # type: ignore[attr-defined]
    companies = companies_in_building(building_id=reception.building_id) if reception.building_id else []
    return render(request, "desk/home.html", {"building": reception.building, "companies": companies})
