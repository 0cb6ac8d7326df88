from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shared_apps.accounts.login_flow import password_check_throttled
from shared_apps.accounts.sign_in_policy import password_refused
from shared_apps.accounts.signin_records import Event, signin_record


class LoginForm(auth_forms.AuthenticationForm):
    """E-mail and password; the error never says whether the account exists, nor does the lockout."""

    username = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True}))
    error_messages = {
        "invalid_login": _("That e-mail address and password do not match an active account on this site."),
        "inactive": _("That e-mail address and password do not match an active account on this site."),
        "sso_only": _("Your company signs you in through its identity provider: use the button below."),
    }

    def clean(self) -> dict[str, Any]:
        # The lock is checked before the password, so a locked account answers the same, right password or not.
        cleaned: dict[str, Any] = password_check_throttled(
            super().clean, email=self.cleaned_data.get("username"), request=self.request
        )
        # Said only after the right password, so the message tells nothing about an address to someone without it.
        user = self.get_user()
        if user is not None and password_refused(user):
            signin_record(request=self.request, event=Event.PASSWORD_REFUSED_SSO, user=user)
            raise forms.ValidationError(self.error_messages["sso_only"], code="sso_only")
        return cleaned


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The current password is checked under the login throttle too: a borrowed session cannot guess it."""

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old: str = password_check_throttled(super().clean_old_password, email=self.user.email, request=self.request)
        return old


class CodeForm(forms.Form):
    """A code from the authenticator app or a recovery code; `numeric` asks for the app's code alone."""

    code = forms.CharField(
        label=_("Code from your app, or a recovery code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, numeric: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if numeric:
            self.fields["code"].label = _("Code from the app")
            self.fields["code"].widget.attrs.update(inputmode="numeric", pattern="[0-9 ]*", maxlength="7")
