from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from shared_apps.accounts.forms import LoginForm
from shared_apps.accounts.invitations import password_reset_send
from shared_apps.accounts.login_flow import login_begin
from shared_apps.accounts.services import sessions_end
from shared_apps.accounts.sign_in_policy import password_refused, sign_in_option
from shared_apps.accounts.signin_records import Event, signin_record
from shared_apps.audit.services import audit_record
from shared_apps.login_throttle.services import login_success_record


class LoginView(auth_views.LoginView):
    """The password step. Accounts with two-factor authentication (or that must set it up) go on to a second step
    before the session is signed in; a lockout answers 429 with the same words for every e-mail address."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"sso": sign_in_option()}

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        step = login_begin(self.request, user, next_url=self.get_success_url())
        if step is not None:
            return redirect(step)
        login_success_record(email=user.email)
        signin_record(request=self.request, event=Event.SIGNED_IN, user=user)
        return super().form_valid(form)

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "locked"):
            response.status_code = 429
        return response


class PasswordResetForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))


def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The answer is the same whether or not the account exists."""
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tenant = getattr(request, "tenant", None)
        password_reset_send(
            email=form.cleaned_data["email"],
            base_url=request.build_absolute_uri("/"),
            site_name=tenant.name if tenant is not None else "Check-in",
        )
        return render(request, "accounts/password_reset.html", {"sent": True})
    return render(request, "accounts/password_reset.html", {"form": form})


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation or a reset: choose a password, then sign in. Every session the account
    had ends: whoever knew the old password is signed out too."""

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        if password_refused(form.user):  # a link sent before the company chose single sign-on only
            form.add_error(None, _("Your company signs you in through its identity provider: no password is needed."))
            return self.form_invalid(form)
        response = super().form_valid(form)
        ended = sessions_end(user=form.user)
        signin_record(request=self.request, event=Event.PASSWORD_RESET, user=form.user)
        audit_record(actor=form.user.email, action="password.set_by_link", request=self.request,
                     object_ids={"user": [form.user.pk]}, details={"sessions_ended": ended})  # fmt: skip
        messages.success(self.request, _("Your password is saved. You can sign in now."))
        return response
