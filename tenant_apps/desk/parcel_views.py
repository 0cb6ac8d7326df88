"""The desk's parcel pages: those waiting and lately collected, recording a delivery, its pick-up, its photo."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from shared_apps.operations.stored_images import stored_image_response
from tenant_apps.desk import services
from tenant_apps.desk.access import access_desk_company, access_desk_parcel
from tenant_apps.desk.forms import CARRIERS, ParcelForm, PickUpForm
from tenant_apps.desk.selectors import desk_hosts, desk_parcels
from tenant_apps.desk.views import _building, _companies, _reception, _user, desk_only
from tenant_apps.parcels.services import PHOTO_TYPES, ParcelStateError


@require_GET
@desk_only
@never_cache
def parcels(request: HttpRequest) -> HttpResponse:
    """Parcels waiting at the desk, oldest first, and those collected this week; of one company or all."""
    companies = _companies(request)
    chosen = request.GET.get("company", "")
    if chosen not in {company.slug for company in companies}:
        chosen = ""
    listed = desk_parcels(reception=_reception(request), company=chosen)
    context = {"building": _building(request), "companies": companies, "chosen": chosen,
               "waiting": listed.waiting, "collected": listed.collected}  # fmt: skip
    return render(request, "desk/parcels.html", context)


@require_http_methods(["GET", "POST"])
@desk_only
@never_cache
def parcel_new(request: HttpRequest) -> HttpResponse:
    """Record a delivery for a host of any company of the building; the host is told by e-mail."""
    reception = _reception(request)
    form = ParcelForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        hosts=desk_hosts(reception=reception),
    )
    if request.method == "POST" and form.is_valid():
        company = access_desk_company(reception=reception, slug=form.company_slug())
        try:
            services.desk_parcel_record(
                reception=reception, company=company, user=_user(request), details=form.details(), request=request
            )
        except ValidationError as error:  # the service's field errors, its `host` being the form's recipient
            for field, problems in error.message_dict.items():
                form.add_error("recipient" if field == "host" else field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Parcel recorded: the recipient is told by e-mail."))
            return redirect("desk:parcels")
    context = {"form": form, "carriers": CARRIERS}
    return render(request, "desk/parcel_new.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@desk_only
@never_cache
def parcel_pick_up(request: HttpRequest, company: str, parcel_id: int) -> HttpResponse:
    """Record who collected a waiting parcel."""
    reception = _reception(request)
    tenant, parcel = access_desk_parcel(reception=reception, slug=company, parcel_id=parcel_id)
    form = PickUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.desk_parcel_pick_up(
                reception=reception, company=tenant, parcel=parcel, user=_user(request),
                collected_by=form.cleaned_data["collected_by"], request=request,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        except ParcelStateError as error:
            messages.error(request, str(error))
            return redirect("desk:parcels")
        else:
            messages.success(request, _("Pick-up recorded."))
            return redirect("desk:parcels")
    context = {"company": tenant, "parcel": parcel, "form": form}
    return render(request, "desk/parcel_pick_up.html", context, status=400 if form.errors else 200)


@require_GET
@desk_only
@never_cache
def parcel_photo(request: HttpRequest, company: str, parcel_id: int) -> HttpResponse:
    """The photo of a parcel's label, served under the kind it was stored as, with nothing active allowed."""
    _tenant, parcel = access_desk_parcel(reception=_reception(request), slug=company, parcel_id=parcel_id)
    return stored_image_response(parcel.label_photo, PHOTO_TYPES)
