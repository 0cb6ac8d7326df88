"""API tokens for IT automation: create (the secret is shown once), list, revoke."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shared_apps.accounts.access import rule_required
from shared_apps.accounts.models import User
from shared_apps.api_tokens.access import access_api_token, api_tokens_visible_to
from shared_apps.console.access import is_platform_it
from shared_apps.console.forms import ApiTokenForm, run_service
from shared_apps.console.services import api_token_create, api_token_revoke

it_required = rule_required(is_platform_it)


@it_required
def token_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        created = run_service(
            form, lambda: api_token_create(user=user, name=form.cleaned_data["name"], request=request)
        )
        if created is not None:
            secret = created[1]
            form = ApiTokenForm()
    response = render(
        request, "console/token_list.html", {"form": form, "tokens": api_tokens_visible_to(user), "secret": secret}
    )
    response["Cache-Control"] = "no-store"
    return response


@it_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token = api_token_revoke(user=user, token=access_api_token(user, token_id), request=request)
    messages.success(request, str(token))
    return redirect("console:tokens")
