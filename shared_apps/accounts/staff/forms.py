"""Forms of the staff account pages: the roles offered are the ones the mounting URLconf passes."""

from typing import Any

from django import forms
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shared_apps.accounts.languages import LANGUAGE_CHOICES
from shared_apps.accounts.models import User


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args: Any, roles: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(roles)  # type: ignore[attr-defined]
        self.fields["language"].initial = translation.get_language()  # the inviter's, as a start

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email, is_active=False).exists():
            raise forms.ValidationError(_("This account is deactivated. Reactivate it from the list instead."))
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, roles: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(roles)  # type: ignore[attr-defined]


def role_choices(roles: tuple[str, ...]) -> list[tuple[str, str | Promise]]:
    return [(value, label) for value, label in User.Role.choices if value in roles]
