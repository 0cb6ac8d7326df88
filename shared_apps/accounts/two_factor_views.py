"""The second step of signing in, and setting up an authenticator app (at a first sign-in where it is required,
or by choice from the Security page)."""

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from shared_apps.accounts import totp
from shared_apps.accounts.forms import CodeForm
from shared_apps.accounts.host_pages import host_nav
from shared_apps.accounts.login_flow import (
    CodeResult,
    NextStep,
    code_attempt,
    locked_message,
    login_finish,
    pending_user,
    session_verified,
    session_verified_set,
)
from shared_apps.accounts.models import User
from shared_apps.accounts.signin_records import Event, signin_record
from shared_apps.accounts.two_factor import (
    device_confirm,
    device_confirmed,
    device_pending,
    recovery_codes_left,
    two_factor_required,
)
from shared_apps.audit.services import audit_record


def wrong_code_message() -> str:
    return _("That code is not right, or it was already used. Type the code your app shows now.")


@never_cache
def two_factor_code(request: HttpRequest) -> HttpResponse:
    """After a correct password: a code from the app, or a recovery code, completes the sign-in."""
    user = pending_user(request)
    if user is None:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = code_attempt(request, user, form.cleaned_data["code"])
        if result in (CodeResult.TOTP, CodeResult.RECOVERY):
            next_url = login_finish(request, user)
            if result is CodeResult.RECOVERY:
                left = recovery_codes_left(user)
                messages.warning(request, ngettext(
                    "You signed in with a recovery code; %(count)d is left. Make new ones on your Security page.",
                    "You signed in with a recovery code; %(count)d are left. Make new ones on your Security page.",
                    left) % {"count": left})  # fmt: skip
            return redirect(next_url)
        if result is CodeResult.RESTART:
            messages.error(request, _("Too many wrong codes. Sign in again."))
            return redirect("accounts:login")
        if result is CodeResult.LOCKED:
            form.add_error(None, locked_message())
            status = 429
        else:
            form.add_error("code", wrong_code_message())
    return render(request, "accounts/two_factor_code.html", {"form": form}, status=status)


def recovery_codes_page(request: HttpRequest, codes: list[str], *, next_url: str, first: bool) -> HttpResponse:
    """The new recovery codes, shown this once."""
    context = {"codes": codes, "next_url": next_url, "first": first, "nav_template": host_nav(request)}
    response = render(request, "accounts/recovery_codes.html", context)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Show a new secret as a QR code and as text; the first code typed from the app turns two-factor on."""
    signed_in = request.user.is_authenticated
    user: User | None = request.user if signed_in else pending_user(request)  # type: ignore[assignment]
    if user is None:
        return redirect("accounts:login")
    if device_confirmed(user) is not None:
        return redirect("accounts:security" if signed_in else NextStep.CODE)
    device = device_pending(user)
    form = CodeForm(request.POST or None, numeric=True)
    if request.method == "POST" and form.is_valid():
        codes = device_confirm(user=user, code=form.cleaned_data["code"])
        if codes is not None:
            audit_record(actor=user.email, action="two_factor.enabled", request=request, object_ids={"user": [user.pk]})
            if signed_in:
                session_verified_set(request)
                next_url = reverse("accounts:security")
            else:
                next_url = login_finish(request, user)
            return recovery_codes_page(request, codes, next_url=next_url, first=True)
        signin_record(request=request, event=Event.TWO_FACTOR_FAILED, user=user)
        form.add_error("code", wrong_code_message())
    required = two_factor_required(user)
    tenant = getattr(request, "tenant", None)
    issuer = f"Check-in {tenant.name}" if tenant is not None and tenant.type != "public" else "Check-in"
    uri = totp.provisioning_uri(device.secret, account=user.email, issuer=issuer)
    context = {
        "form": form,
        "qr": segno.make(uri, error="m").svg_inline(scale=4, border=2, omitsize=True, dark="#1c2430"),
        "secret": totp.secret_for_reading(device.secret),
        "required": required,
        "signed_in": signed_in,
        # A session sent here before anything else gets no menu: every item would lead back here.
        "nav_template": host_nav(request) if not required or session_verified(request) else None,
    }
    return render(request, "accounts/two_factor_setup.html", context)
