"""The admins' API token page and the API documentation page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication

from shared_apps.accounts.access import rule_required
from shared_apps.accounts.models import User
from shared_apps.api_tokens.access import access_api_token, api_tokens_visible_to, may_manage_api_tokens
from tenant_apps.api.forms import ApiTokenForm
from tenant_apps.api.permissions import IsCompanyStaff
from tenant_apps.api.services import api_token_create, api_token_revoke
from tenant_apps.visits.access import is_company_staff


def _tokens_page(request: HttpRequest, form: ApiTokenForm, new_key: str | None = None) -> HttpResponse:
    visible = api_tokens_visible_to(request.user)  # type: ignore[arg-type]
    return render(request, "api/tokens.html", {"form": form, "tokens": visible, "new_key": new_key})


@rule_required(may_manage_api_tokens)
def tokens(request: HttpRequest) -> HttpResponse:
    """List the company's tokens; a POST makes one and shows its key once, in the answer to that POST."""
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, key = api_token_create(name=form.cleaned_data["name"], created_by=request.user)  # type: ignore[arg-type]
            return _tokens_page(request, ApiTokenForm(), new_key=key)
        return _tokens_page(request, form)
    return _tokens_page(request, ApiTokenForm())


@rule_required(may_manage_api_tokens)
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token = api_token_revoke(token=access_api_token(user, token_id), actor=user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api:tokens")


api_docs = rule_required(is_company_staff)(
    SpectacularSwaggerSplitView.as_view(
        url_name="api:schema",
        authentication_classes=[SessionAuthentication],
        permission_classes=[IsCompanyStaff],
    )
)
