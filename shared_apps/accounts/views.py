from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from shared_apps.accounts.invitations import password_reset_send


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
    """The one-time link of an invitation or a reset: choose a password, then sign in."""

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        messages.success(self.request, _("Your password is saved. You can sign in now."))
        return super().form_valid(form)
