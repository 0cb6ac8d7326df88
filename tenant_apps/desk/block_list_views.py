"""Desk pages for the building's block list (tenant_apps/kiosk/block_list.py): list, add, remove. Desk staff only."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shared_apps.accounts.access import rule_required
from shared_apps.accounts.models import User
from shared_apps.tenancy.models import Building
from tenant_apps.desk.forms import BlockListForm
from tenant_apps.kiosk.access import access_block_list_entry, block_list_visible_to, may_manage_block_list
from tenant_apps.kiosk.block_list import block_list_add, block_list_remove
from tenant_apps.kiosk.device import reception_of
from tenant_apps.visits.services import desk_actor


def _building(request: HttpRequest) -> Building:
    building = reception_of(request).building
    if building is None:
        raise Http404
    return building


def _actor(request: HttpRequest) -> str:
    return desk_actor(building=_building(request), user=cast(User, request.user)).label


@never_cache
@rule_required(may_manage_block_list)
def block_list(request: HttpRequest) -> HttpResponse:
    """The entries in force, and a form to add one."""
    form = BlockListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            block_list_add(details=form.details(), actor=_actor(request))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Added to the block list."))
            return redirect("block_list:list")
    context = {
        "building": _building(request), "form": form,
        "entries": block_list_visible_to(cast(User, request.user)).prefetch_related("matches"),
    }  # fmt: skip
    return render(request, "desk/block_list.html", context, status=400 if form.errors else 200)


@require_POST
@rule_required(may_manage_block_list)
def block_list_remove_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Take an entry off the list (its alerts go with it)."""
    entry = access_block_list_entry(cast(User, request.user), entry_id)
    block_list_remove(entry=entry, actor=_actor(request))
    messages.success(request, _("Removed from the block list."))
    return redirect("block_list:list")
