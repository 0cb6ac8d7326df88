"""Single sign-on pages: the company admin's configuration, and the sign-in through the identity provider."""

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import OAuthError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from joserfc.errors import JoseError as JoseRfcError

from shared_apps.accounts.access import rule_required
from shared_apps.accounts.login_flow import session_verified_set
from shared_apps.accounts.signin_records import Event, signin_record
from shared_apps.audit.services import audit_record
from shared_apps.login_throttle.services import login_success_record
from tenant_apps.sso.client import LEEWAY_SECONDS, claims_options, oidc_client
from tenant_apps.sso.forms import IdentityProviderForm
from tenant_apps.sso.models import IdentityProvider
from tenant_apps.sso.selectors import identity_provider, identity_provider_enabled
from tenant_apps.sso.services import Refusal, identity_provider_delete, identity_provider_save, sso_account_resolve
from tenant_apps.visits.access import may_change_company_settings

logger = logging.getLogger(__name__)

_NEXT = "checkin_sso_next"
_PROTOCOL_ERRORS = (AuthlibBaseError, JoseRfcError, requests.RequestException, ValueError, KeyError)
_AUDITED = ("name", "issuer", "client_id", "allowed_domains", "role_claim", "admin_values", "member_values",
            "create_accounts", "sso_only", "enabled")  # fmt: skip


def _initial(provider: IdentityProvider | None) -> dict[str, object]:
    if provider is None:
        return {"role_claim": "groups", "enabled": True}
    return {
        "name": provider.name, "issuer": provider.issuer, "client_id": provider.client_id,
        "allowed_domains": ", ".join(provider.allowed_domains), "role_claim": provider.role_claim,
        "admin_values": ", ".join(provider.admin_values), "member_values": ", ".join(provider.member_values),
        "create_accounts": provider.create_accounts, "sso_only": provider.sso_only, "enabled": provider.enabled,
    }  # fmt: skip


@rule_required(may_change_company_settings)
def sso_settings(request: HttpRequest) -> HttpResponse:
    """Configure the company's identity provider; saving checks its discovery document first."""
    provider = identity_provider()
    form = IdentityProviderForm(request.POST or None, initial=_initial(provider), provider=provider)
    if request.method == "POST":
        if form.is_valid():
            before = _initial(provider)
            saved = identity_provider_save(**form.cleaned_data)
            after = _initial(saved)
            changed = [name for name in _AUDITED if before.get(name) != after.get(name)]
            if form.cleaned_data["client_secret"]:
                changed.append("client_secret")  # that it changed, never the secret
            audit_record(actor=request.user.email, action="sso.configured", request=request,  # type: ignore[union-attr]
                         details={"issuer": saved.issuer, "client_id": saved.client_id, "changed": changed,
                                  "sso_only": saved.sso_only, "enabled": saved.enabled})  # fmt: skip
            messages.success(request, _("Single sign-on is saved."))
            return redirect("sso:settings")
        status = 400
    else:
        status = 200
    callback = request.build_absolute_uri(reverse("sso:callback"))
    return render(request, "sso/settings.html", {"form": form, "provider": provider, "callback_url": callback},
                  status=status)  # fmt: skip


@rule_required(may_change_company_settings)  # first: an anonymous GET goes to the sign-in page, as everywhere
@require_POST
def sso_remove(request: HttpRequest) -> HttpResponse:
    """Remove the configuration: everyone signs in with a password again."""
    if identity_provider_delete():
        audit_record(actor=request.user.email, action="sso.removed", request=request)  # type: ignore[union-attr]
        messages.success(request, _("Single sign-on is removed. Everyone signs in with a password again."))
    return redirect("sso:settings")


def sso_login(request: HttpRequest) -> HttpResponse:
    """Send the browser to the company's identity provider; the pending sign-in (state, nonce, PKCE verifier) waits
    in this host's session."""
    provider = identity_provider_enabled()
    if provider is None:
        raise Http404
    next_url = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())  # fmt: skip
    request.session[_NEXT] = next_url if safe else ""
    try:
        return oidc_client(provider).authorize_redirect(request, request.build_absolute_uri(reverse("sso:callback")))
    except _PROTOCOL_ERRORS as error:
        logger.warning("Identity provider unreachable at sign-in: %s", type(error).__name__)
        return _refused(request, _("The identity provider could not be reached. Try again later."), status=502)


_REFUSALS = {
    Refusal.NO_EMAIL: gettext_lazy("The identity provider gave no e-mail address."),
    Refusal.EMAIL_UNVERIFIED: gettext_lazy("The identity provider has not verified your e-mail address."),
    Refusal.DOMAIN: gettext_lazy("Your e-mail address is not in a domain this company allows."),
    Refusal.NO_ROLE: gettext_lazy("Your groups at the identity provider give you no access to Check-in."),
    Refusal.NO_ACCOUNT: gettext_lazy("You have no Check-in account yet: ask your administrator to invite you."),
    Refusal.INACTIVE: gettext_lazy("Your Check-in account is deactivated."),
}


def sso_callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: Authlib checks the state against this session, redeems the code with the PKCE verifier
    and validates the ID token; the claims then sign in (or create) the company account they name."""
    provider = identity_provider_enabled()
    if provider is None:
        raise Http404
    try:
        token = oidc_client(provider).authorize_access_token(
            request, claims_options=claims_options(provider), leeway=LEEWAY_SECONDS
        )
        claims = token.get("userinfo")
        if not claims:
            raise OAuthError(description="no ID token")
    except _PROTOCOL_ERRORS as error:
        # The reason goes to the log and the sign-in record's browser column stays the browser: never the token.
        logger.warning("Single sign-on refused: %s %s", type(error).__name__, error)
        signin_record(request=request, event=Event.SSO_REFUSED)
        return _refused(request, _("Single sign-on did not succeed. Start again from the sign-in page."))
    outcome = sso_account_resolve(provider=provider, claims=dict(claims))
    if outcome.user is None:
        signin_record(request=request, event=Event.SSO_REFUSED, identifier=outcome.email)
        audit_record(actor=outcome.email or "unknown", action="sso.refused", request=request,
                     details={"reason": str(outcome.refusal)})  # fmt: skip
        return _refused(request, str(_REFUSALS[outcome.refusal or Refusal.NO_EMAIL]), status=403)
    user = outcome.user
    next_url = request.session.pop(_NEXT, "")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    session_verified_set(request)  # the identity provider answers for the second factor (README, Single sign-on)
    login_success_record(email=user.email)
    signin_record(request=request, event=Event.SIGNED_IN_SSO, user=user)
    audit_record(actor=user.email, action="sso.account_created" if outcome.created else "sso.signed_in",
                 request=request, object_ids={"user": [user.pk]}, details={"role": user.role})  # fmt: skip
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _refused(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    return render(request, "sso/refused.html", {"message": message}, status=status)
