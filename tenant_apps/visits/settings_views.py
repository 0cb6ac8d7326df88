"""The company's settings page. Company admins only; other areas add their own settings pages."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shared_apps.accounts.access import rule_required
from shared_apps.audit.services import audit_record
from tenant_apps.visits.access import may_change_company_settings
from tenant_apps.visits.forms import CompanySettingsForm
from tenant_apps.visits.selectors import company_settings
from tenant_apps.visits.services import company_settings_update


@rule_required(may_change_company_settings)
def settings_edit(request: HttpRequest) -> HttpResponse:
    """Show and change the kiosk settings (host search, reception address), the two-factor requirement and the
    privacy contact."""
    current = company_settings()
    names = ("show_hosts_on_kiosk", "require_two_factor", "privacy_contact_name", "privacy_contact_email",
             "dpo_name", "dpo_email", "reception_email", "walk_in_approval", "approval_timeout_minutes",
             "desk_may_decide")  # fmt: skip
    initial = {name: getattr(current, name) for name in names}
    form = CompanySettingsForm(request.POST or None, initial=initial, admin=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        # The audit entry names the contact fields changed, not the names and addresses in them.
        changed = [name for name in names[2:7] if name in form.changed_data]
        company_settings_update(**form.cleaned_data)
        audit_record(actor=request.user.email, action="settings.updated", request=request,  # type: ignore[union-attr]
                     details={name: value for name, value in form.cleaned_data.items()
                              if isinstance(value, bool | int)} | {"contact_fields": changed})  # fmt: skip
        messages.success(request, _("The settings are saved."))
        return redirect("company_settings:edit")
    building = request.tenant.building  # type: ignore[attr-defined]
    requires = bool(building is not None and building.walk_in_approval_required)
    return render(request, "visits/settings.html", {"form": form, "building_requires_approval": requires})
