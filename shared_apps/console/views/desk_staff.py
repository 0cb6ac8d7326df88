"""Console page of a building's desk staff: IT invites and deactivates the people at its desk."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.accounts.access import rule_required
from shared_apps.console.access import access_building, access_desk_account, is_platform_it
from shared_apps.console.forms import DeskStaffInviteForm, run_service
from shared_apps.console.services import it_actor
from shared_apps.provisioning.desk_staff import desk_staff_deactivate, desk_staff_invite, desk_staff_of, reception_of

it_required = rule_required(is_platform_it)


@it_required
def desk_staff(request: HttpRequest, slug: str) -> HttpResponse:
    """The building's desk accounts and a form to invite one more."""
    building = access_building(slug=slug)
    form = DeskStaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invited = run_service(form, lambda: desk_staff_invite(
            building=building, email=data["email"], full_name=data["full_name"], language=data["language"],
            actor=it_actor(request.user), request=request,  # type: ignore[arg-type]
        ))  # fmt: skip
        if invited is not None:
            user, _created = invited
            messages.success(
                request, _("The invitation is on its way to %(email)s. The link works for three days.")
                % {"email": user.email},
            )  # fmt: skip
            return redirect("console:building_desk_staff", slug=building.slug)
    context = {
        "building": building,
        "reception": reception_of(building),
        "accounts": desk_staff_of(building=building),
        "form": form,
    }
    return render(request, "console/desk_staff.html", context)


@it_required
@require_POST
def desk_staff_deactivate_view(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    building = access_building(slug=slug)
    user = access_desk_account(building=building, user_id=user_id)
    try:
        desk_staff_deactivate(building=building, user=user, actor=it_actor(request.user), request=request)  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s is deactivated and signed out.") % {"name": user.full_name or user.email})
    return redirect("console:building_desk_staff", slug=building.slug)
