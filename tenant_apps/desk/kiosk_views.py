"""Desk pages for the building's kiosks: pair a tablet with a one-time code, list and revoke kiosks."""

from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shared_apps.accounts.access import rule_required
from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from shared_apps.tenancy.models import Building
from tenant_apps.kiosk.access import access_kiosk, kiosks_visible_to, may_manage_kiosks
from tenant_apps.kiosk.device import reception_of
from tenant_apps.kiosk.forms import PairingCodeForm
from tenant_apps.kiosk.selectors import kiosk_settings, pairing_codes_pending
from tenant_apps.kiosk.services import kiosk_revoke, pairing_code_create
from tenant_apps.visits.services import desk_actor


def _building(request: HttpRequest) -> Building:
    building = reception_of(request).building
    if building is None:
        raise Http404
    return building


@never_cache
@rule_required(may_manage_kiosks)
def kiosk_list(request: HttpRequest) -> HttpResponse:
    """The building's kiosks, the pairing codes still waiting, and a form for a new code."""
    building = _building(request)
    form = PairingCodeForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        # Shown on this answer only: the server keeps the code's digest, so no later page can show it again.
        created = pairing_code_create(
            kiosk_name=form.cleaned_data["kiosk_name"], user=cast(User, request.user), building=building
        )
        form = PairingCodeForm()
    return render(
        request,
        "desk/kiosks.html",
        {
            "building": building,
            "form": form,
            "kiosks": kiosks_visible_to(cast(User, request.user)),
            "pending": pairing_codes_pending(),
            "options": kiosk_settings(),
            "created": created,
        },
    )


@require_POST
@rule_required(may_manage_kiosks)
def kiosk_revoke_view(request: HttpRequest, kiosk_id: int) -> HttpResponse:
    """Revoke a kiosk after a confirmation page: the list's "Revoke" posts here without `confirm=yes`."""
    kiosk = access_kiosk(cast(User, request.user), kiosk_id)
    if request.POST.get("confirm") != "yes":
        return render(request, "desk/kiosk_revoke.html", {"kiosk": kiosk, "building": _building(request)})
    kiosk_revoke(kiosk=kiosk, user=cast(User, request.user), building=_building(request))
    messages.success(
        request, _("The kiosk “%(name)s” is revoked. It shows the pairing screen from now on.") % {"name": kiosk.name}
    )
    return redirect("kiosk_desk:list")


@require_POST
@rule_required(may_manage_kiosks)
def kiosk_options(request: HttpRequest) -> HttpResponse:
    """Turn the hosts' reminder before the automatic check-out on or off for this building."""
    options = kiosk_settings()
    options.remind_hosts_before_auto_checkout = request.POST.get("remind") == "on"
    options.save(update_fields=["remind_hosts_before_auto_checkout"])
    audit_record(
        actor=desk_actor(building=_building(request), user=cast(User, request.user)).label,
        action="kiosk.settings",
        details={"remind_hosts_before_auto_checkout": options.remind_hosts_before_auto_checkout},
    )
    messages.success(request, _("Kiosk settings saved."))
    return redirect("kiosk_desk:list")
