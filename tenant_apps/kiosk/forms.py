"""Kiosk and desk forms, and the walk-in's details the desk asks too. Every input is typed fresh: nothing is
remembered or suggested."""

from typing import Any

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _

from shared_apps.tenancy.text import NameFormField
from tenant_apps.kiosk.tokens import code_normalise
from tenant_apps.visits.services import VisitorDetails

NO_AUTOCOMPLETE = {"autocomplete": "off", "autocorrect": "off", "autocapitalize": "off", "spellcheck": "false"}


def _text(
    label: Any,
    *,
    required: bool = True,
    max_length: int = 100,
    field: type[forms.CharField] = NameFormField,
    **attrs: str,
) -> forms.CharField:
    return field(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs={**NO_AUTOCOMPLETE, **attrs}),
    )


class CodeForm(forms.Form):
    """A pairing, invitation or badge code, typed or scanned."""

    code = forms.CharField(
        label=_("Code"),
        max_length=200,
        widget=forms.TextInput(attrs={**NO_AUTOCOMPLETE, "inputmode": "text", "class": "kiosk-code-input"}),
    )

    def clean_code(self) -> str:
        code = code_normalise(self.cleaned_data["code"])
        if len(code) < 4:
            raise forms.ValidationError(_("Type the code as it is printed."))
        return code


class PairingCodeForm(forms.Form):
    kiosk_name = forms.CharField(
        label=_("Name of the kiosk"), max_length=80, help_text=_("For example: Lobby, left of the entrance.")
    )


class WalkInDetailsForm(forms.Form):
    """Who walked in, as the desk and the kiosk both ask it (the desk's form builds on this one): typed fresh,
    never suggested; e-mail and phone optional unless the screen requires them; the phone stored in E.164."""

    first_name = _text(_("First name"), autocapitalize="words")
    last_name = _text(_("Last name"), autocapitalize="words")
    visitor_company = _text(_("Visitor's organisation"), required=False, max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        widget=forms.EmailInput(attrs={**NO_AUTOCOMPLETE, "inputmode": "email"}),
    )
    phone = _text(_("Phone"), required=False, max_length=30, field=forms.CharField, inputmode="tel")

    def clean_first_name(self) -> str:
        return str(self.cleaned_data["first_name"]).strip()

    def clean_last_name(self) -> str:
        return str(self.cleaned_data["last_name"]).strip()

    def clean_phone(self) -> str:
        raw = str(self.cleaned_data.get("phone") or "").strip()
        if not raw:
            return ""
        try:
            number = phonenumbers.parse(raw, "BE")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(_("Enter a valid phone number, for example +32 470 12 34 56."))
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))

    def visitor_details(self, *, language: str) -> VisitorDetails:
        """The visitor as typed, for the walk-in service (tenant_apps/visits/services.py)."""
        data = self.cleaned_data
        return VisitorDetails(
            first_name=data["first_name"], last_name=data["last_name"], email=data["email"], phone=data["phone"],
            company_name=data["visitor_company"], language=language,
        )  # fmt: skip


class WalkInForm(WalkInDetailsForm):
    """The kiosk's: e-mail and phone as the building requires, and the visitor's own acceptance of the privacy
    notice (and of the visitor rules, if any)."""

    accept_notice = forms.BooleanField(label=_("I have read the privacy notice."), required=True)
    accept_rules = forms.BooleanField(label=_("I accept the visitor rules."), required=False)

    def __init__(self, *args: Any, needs_email: bool, needs_phone: bool, has_rules: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visitor_company"].label = _("Your company")  # the visitor reads this form, not staff
        self.fields["email"].required = needs_email
        self.fields["phone"].required = needs_phone
        self.fields["accept_rules"].required = has_rules
        if not has_rules:
            del self.fields["accept_rules"]
        self.fields["accept_notice"].error_messages["required"] = _("Please read and accept the privacy notice.")
        if has_rules:
            self.fields["accept_rules"].error_messages["required"] = _("Please accept the visitor rules.")


class ConfirmForm(forms.Form):
    """An invited visitor confirms it is them, and accepts the notice (and rules, if any)."""

    accept_notice = forms.BooleanField(label=_("I have read the privacy notice."), required=True)
    accept_rules = forms.BooleanField(label=_("I accept the visitor rules."), required=False)

    def __init__(self, *args: Any, has_rules: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accept_notice"].error_messages["required"] = _("Please read and accept the privacy notice.")
        if has_rules:
            self.fields["accept_rules"].required = True
            self.fields["accept_rules"].error_messages["required"] = _("Please accept the visitor rules.")
        else:
            del self.fields["accept_rules"]
