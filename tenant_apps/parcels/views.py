"""The company's parcels in its portal: those the building's desk received for its hosts, and the label photos."""

from typing import cast

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shared_apps.accounts.access import rule_required
from shared_apps.accounts.models import User
from shared_apps.operations.stored_images import stored_image_response
from tenant_apps.parcels.access import access_parcel
from tenant_apps.parcels.selectors import parcels_filtered, parcels_visible_to
from tenant_apps.parcels.services import PHOTO_TYPES
from tenant_apps.visits.access import is_company_staff

PAGE_SIZE = 50
SHOWN = {"waiting": True, "collected": False, "all": None}


@rule_required(is_company_staff)
@require_GET
def parcel_list(request: HttpRequest) -> HttpResponse:
    """Waiting parcels (the default), collected ones or all, newest first: an admin's are the company's, a member's
    those of the host linked to their account."""
    show = request.GET.get("show", "waiting")
    if show not in SHOWN:
        show = "waiting"
    user = cast(User, request.user)
    parcels = parcels_filtered(parcels_visible_to(user=user), waiting=SHOWN[show])
    page = Paginator(parcels, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "parcels/list.html", {"page": page, "show": show})


@rule_required(is_company_staff)
@require_GET
def parcel_detail(request: HttpRequest, parcel_id: int) -> HttpResponse:
    """One parcel: for whom, by which carrier, when it came and who collected it, and the photo of its label."""
    parcel = access_parcel(cast(User, request.user), parcel_id)
    return render(request, "parcels/detail.html", {"parcel": parcel})


@rule_required(is_company_staff)
@require_GET
def parcel_photo(request: HttpRequest, parcel_id: int) -> HttpResponse:
    """The photo of a parcel's label, served under the kind it was stored as, with nothing active allowed."""
    parcel = access_parcel(cast(User, request.user), parcel_id)
    return stored_image_response(parcel.label_photo, PHOTO_TYPES)
