"""The Security page of one's own account, on any host: two-factor authentication, recovery codes, password."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.accounts.access import staff_required
from shared_apps.accounts.forms import CodeForm, PasswordChangeForm
from shared_apps.accounts.host_pages import host_nav
from shared_apps.accounts.login_flow import CodeResult, code_attempt, locked_message
from shared_apps.accounts.models import User
from shared_apps.accounts.services import sessions_end
from shared_apps.accounts.sign_in_policy import password_refused
from shared_apps.accounts.signin_records import (
    SIGNIN_PAGE_SIZE,
    Event,
    signin_record,
    signin_records_of,
    signin_retention,
)
from shared_apps.accounts.two_factor import (
    device_confirmed,
    recovery_codes_left,
    recovery_codes_new,
    two_factor_disable,
    two_factor_required,
)
from shared_apps.accounts.two_factor_views import recovery_codes_page, wrong_code_message
from shared_apps.audit.services import audit_record

signed_in = staff_required(*User.Role.values)


def _page(request: HttpRequest, *, forms: dict[str, CodeForm] | None = None, status: int = 200) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    device = device_confirmed(user)
    forms = {"regenerate": CodeForm(prefix="regenerate"), "disable": CodeForm(prefix="disable"), **(forms or {})}
    context = {
        "device": device,
        "codes_left": recovery_codes_left(user) if device is not None else 0,
        "required": two_factor_required(user),
        "regenerate_form": forms["regenerate"],
        "disable_form": forms["disable"],
        "nav_template": host_nav(request),
    }
    return render(request, "accounts/security.html", context, status=status)


@signed_in
def security(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _confirmed_by_code(request: HttpRequest, form: CodeForm) -> CodeResult | None:
    """A correct code for the signed-in account, or None with the form's error set."""
    if not form.is_valid():
        return None
    result = code_attempt(request, request.user, form.cleaned_data["code"])  # type: ignore[arg-type]
    if result in (CodeResult.TOTP, CodeResult.RECOVERY):
        return result
    if result is CodeResult.LOCKED:
        form.add_error(None, locked_message())
    else:
        form.add_error("code", wrong_code_message())
    return None


def _refused(request: HttpRequest, name: str, form: CodeForm) -> HttpResponse:
    return _page(request, forms={name: form}, status=429 if form.has_error(NON_FIELD_ERRORS) else 200)


@signed_in
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), confirmed by a current code."""
    user: User = request.user  # type: ignore[assignment]
    form = CodeForm(request.POST, prefix="regenerate")
    if device_confirmed(user) is None:
        return redirect("accounts:security")
    if _confirmed_by_code(request, form) is None:
        return _refused(request, "regenerate", form)
    codes = recovery_codes_new(user=user)
    audit_record(actor=user.email, action="two_factor.recovery_codes_renewed", request=request,
                 object_ids={"user": [user.pk]})  # fmt: skip
    return recovery_codes_page(request, codes, next_url=reverse("accounts:security"), first=False)


@signed_in
@require_POST
def two_factor_off(request: HttpRequest) -> HttpResponse:
    """Turn two-factor authentication off, confirmed by a current code; never where it is required."""
    user: User = request.user  # type: ignore[assignment]
    if two_factor_required(user):
        messages.error(request, _("Two-factor authentication is required for your account on this site."))
        return redirect("accounts:security")
    form = CodeForm(request.POST, prefix="disable")
    if device_confirmed(user) is None:
        return redirect("accounts:security")
    if _confirmed_by_code(request, form) is None:
        return _refused(request, "disable", form)
    two_factor_disable(user=user)
    audit_record(actor=user.email, action="two_factor.disabled", request=request, object_ids={"user": [user.pk]})
    messages.success(request, _("Two-factor authentication is off. Your password alone signs you in."))
    return redirect("accounts:security")


@signed_in
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password; every other session of the account ends, this one goes on."""
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST or None, request=request)
    if request.method == "POST" and password_refused(user):
        form.is_valid()  # the fields' own errors too
        form.add_error(None, _("Your company signs you in through its identity provider: no password is needed."))
    elif request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, user)  # gives this session a new key, kept below
        ended = sessions_end(user=user, keep=request.session.session_key)
        signin_record(request=request, event=Event.PASSWORD_CHANGED, user=user)
        audit_record(actor=user.email, action="password.changed", request=request, object_ids={"user": [user.pk]},
                     details={"sessions_ended": ended})  # fmt: skip
        messages.success(request, _("Your password is changed. You are signed out everywhere else."))
        return redirect("accounts:security")
    status = 429 if form.has_error("old_password", "locked") else 200
    return render(request, "accounts/password_change.html", {"form": form, "nav_template": host_nav(request)},
                  status=status)  # fmt: skip


@signed_in
def my_signins(request: HttpRequest) -> HttpResponse:
    """The account's own sign-in records, newest first: its sign-ins, failures, lockouts and password changes."""
    records = signin_records_of(request.user)  # type: ignore[arg-type]
    page = Paginator(records, SIGNIN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/signins.html",
        {"page": page, "own": True, "nav_template": host_nav(request), **signin_retention()},
    )
