"""The company's hosts: list, add, edit, deactivate (company admins); a host's own choice of channel (the host)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shared_apps.accounts.access import rule_required
from shared_apps.audit.services import audit_record
from tenant_apps.visits.access import access_host, may_choose_own_channel, may_list_hosts, own_host
from tenant_apps.visits.forms import HostForm, OwnChannelForm
from tenant_apps.visits.selectors import hosts_all
from tenant_apps.visits.services import host_channel_set, host_create, host_set_active, host_update


@rule_required(may_list_hosts)
def host_list(request: HttpRequest) -> HttpResponse:
    """Every host, active ones first."""
    return render(request, "visits/hosts/list.html", {"hosts": hosts_all()})


@rule_required(may_list_hosts)
def host_new(request: HttpRequest) -> HttpResponse:
    """Add a host."""
    form = HostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        host = host_create(details=form.host_details())
        audit_record(actor=request.user.email, action="host.created", request=request,  # type: ignore[union-attr]
                     object_ids={"host": [host.pk]})  # fmt: skip
        messages.success(request, _("The host is added."))
        return redirect("hosts:list")
    return render(request, "visits/hosts/form.html", {"form": form, "title": _("Add a host")})


@rule_required(may_list_hosts)
def host_edit(request: HttpRequest, host_id: int) -> HttpResponse:
    """Change a host's details and linked staff account."""
    host = access_host(request.user, host_id)  # type: ignore[arg-type]
    form = HostForm(request.POST or None, initial=HostForm.initial_for(host), host=host)
    if request.method == "POST" and form.is_valid():
        host_update(host=host, details=form.host_details())
        audit_record(actor=request.user.email, action="host.updated", request=request,  # type: ignore[union-attr]
                     object_ids={"host": [host.pk]})  # fmt: skip
        messages.success(request, _("The host is updated."))
        return redirect("hosts:list")
    return render(request, "visits/hosts/form.html", {"form": form, "host": host, "title": _("Edit the host")})


@rule_required(may_list_hosts)
def host_active(request: HttpRequest, host_id: int) -> HttpResponse:
    """Deactivate a host, or bring one back (POST with `active` = 0 or 1)."""
    host = access_host(request.user, host_id)  # type: ignore[arg-type]
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    active = request.POST.get("active") == "1"
    host_set_active(host=host, active=active)
    audit_record(actor=request.user.email, action="host.activated" if active else "host.deactivated",  # type: ignore[union-attr]
                 request=request, object_ids={"host": [host.pk]})  # fmt: skip
    messages.success(request, _("The host is active again.") if active else _("The host is deactivated."))
    return redirect("hosts:list")


@rule_required(may_choose_own_channel)
def host_own_channel(request: HttpRequest) -> HttpResponse:
    """The signed-in host chooses how they hear of their visitors, and the phone number for text messages."""
    host = own_host(request.user)  # type: ignore[arg-type]
    assert host is not None  # the rule asked
    form = OwnChannelForm(request.POST or None, initial={"phone": host.phone, "notify_by": host.notify_by})
    if request.method == "POST" and form.is_valid():
        host_channel_set(host=host, notify_by=form.cleaned_data["notify_by"], phone=form.cleaned_data["phone"])
        audit_record(actor=request.user.email, action="host.channel_changed", request=request,  # type: ignore[union-attr]
                     object_ids={"host": [host.pk]}, details={"notify_by": host.notify_by})  # fmt: skip
        messages.success(request, _("Your choice is saved."))
        return redirect("hosts:own")
    return render(request, "visits/hosts/own.html", {"form": form, "host": host})
