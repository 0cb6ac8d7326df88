"""The admins' Directory sync page: the SCIM base URL, the SCIM tokens (made, shown once, revoked) and which role
each directory group gives. Company admins only (`may_change_company_settings`, as the settings page)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.accounts.access import rule_required
from shared_apps.accounts.models import User
from shared_apps.api_tokens.access import access_api_token, api_tokens_visible_to
from shared_apps.api_tokens.models import ApiToken
from tenant_apps.scim.forms import GroupRoleForm, ScimTokenForm
from tenant_apps.scim.selectors import groups_for_mapping
from tenant_apps.scim.services import scim_group_role_set, scim_token_create, scim_token_revoke
from tenant_apps.visits.access import may_change_company_settings


def _page(request: HttpRequest, form: ScimTokenForm, new_key: str | None = None) -> HttpResponse:
    tokens = api_tokens_visible_to(request.user, scope=ApiToken.Scope.SCIM)  # type: ignore[arg-type]
    return render(request, "scim/settings.html", {
        "form": form, "tokens": tokens, "new_key": new_key, "groups": groups_for_mapping(),
        "roles": GroupRoleForm.base_fields["role"].choices,  # type: ignore[attr-defined]
        "base_url": request.build_absolute_uri("/scim/v2"),
    })  # fmt: skip


@rule_required(may_change_company_settings)
def directory(request: HttpRequest) -> HttpResponse:
    """The page; a POST makes a SCIM token and shows its key once, in the answer to that POST."""
    if request.method == "POST":
        form = ScimTokenForm(request.POST)
        if form.is_valid():
            user: User = request.user  # type: ignore[assignment]
            _token, key = scim_token_create(name=form.cleaned_data["name"], created_by=user, request=request)
            return _page(request, ScimTokenForm(), new_key=key)
        return _page(request, form)
    return _page(request, ScimTokenForm())


@rule_required(may_change_company_settings)
@require_POST
def token_revoke(request: HttpRequest, scim_token_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token = scim_token_revoke(token=access_api_token(user, scim_token_id, scope=ApiToken.Scope.SCIM), actor=user,
                              request=request)  # fmt: skip
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("directory:settings")


@rule_required(may_change_company_settings)
@require_POST
def group_role(request: HttpRequest, group_id: int) -> HttpResponse:
    """Map a directory group to a role (or none)."""
    group = get_object_or_404(groups_for_mapping(), pk=group_id)
    form = GroupRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        return redirect("directory:settings")
    user: User = request.user  # type: ignore[assignment]
    scim_group_role_set(group=group, role=form.cleaned_data["role"], by=user, request=request)
    messages.success(request, _("The role of the group “%(name)s” is saved.") % {"name": group.display_name})
    return redirect("directory:settings")
