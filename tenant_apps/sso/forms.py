import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.sso.discovery import DiscoveryError, discovery_fetch
from tenant_apps.sso.models import IdentityProvider

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_SEPARATORS = re.compile(r"[\s,;]+")
_CLAIM = re.compile(r"^[A-Za-z0-9_:./-]{1,100}$")


def _list(text: str) -> list[str]:
    return [item for item in _SEPARATORS.split(text.strip()) if item]


class IdentityProviderForm(forms.Form):
    """The company's OpenID Connect provider. Saving fetches its discovery document: an unreachable or inconsistent
    provider is refused on the form."""

    name = forms.CharField(
        label=_("Provider name"), max_length=60, help_text=_('Shown on the button: "Sign in with …"')
    )
    issuer = forms.URLField(
        label=_("Issuer URL"),
        max_length=300,
        assume_scheme="https",
        help_text=_("Its discovery document is read at /.well-known/openid-configuration."),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=200)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    allowed_domains = forms.CharField(
        label=_("Allowed e-mail domains"),
        max_length=2000,
        help_text=_("Separated by commas or spaces, e.g. globex.example"),
    )
    role_claim = forms.CharField(label=_("Claim that gives the role"), max_length=100, initial="groups")
    admin_values = forms.CharField(
        label=_("Values that make an administrator"),
        max_length=2000,
        required=False,
        help_text=_("Group names or IDs, separated by commas or spaces."),
    )
    member_values = forms.CharField(
        label=_("Values that make a member"),
        max_length=2000,
        required=False,
        help_text=_("Empty: everyone of an allowed domain may sign in as a member."),
    )
    create_accounts = forms.BooleanField(label=_("Create accounts on first sign-in"), required=False)
    sso_only = forms.BooleanField(
        label=_("Single sign-on only: members may not use a password"),
        required=False,
        help_text=_("Administrators keep their password, to get in if the provider fails."),
    )
    enabled = forms.BooleanField(label=_("Offer single sign-on on the sign-in page"), required=False, initial=True)

    def __init__(self, *args: Any, provider: IdentityProvider | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        if provider is not None and provider.client_secret:
            self.fields["client_secret"].help_text = _("Stored encrypted. Leave empty to keep it.")
        else:
            self.fields["client_secret"].required = True  # nothing stored yet to keep

    def clean_allowed_domains(self) -> list[str]:
        domains = [domain.lower().lstrip("@") for domain in _list(self.cleaned_data["allowed_domains"])]
        wrong = [domain for domain in domains if not _DOMAIN.match(domain)]
        if wrong:
            raise forms.ValidationError(_("Not a domain name: %(names)s") % {"names": ", ".join(wrong)})
        if not domains:
            raise forms.ValidationError(_("Name at least one domain."))
        return sorted(set(domains))

    def clean_role_claim(self) -> str:
        claim: str = self.cleaned_data["role_claim"].strip()
        if not _CLAIM.match(claim):
            raise forms.ValidationError(_("A claim name is letters, digits and _ : . / - only."))
        return claim

    def clean_admin_values(self) -> list[str]:
        return _list(self.cleaned_data["admin_values"])

    def clean_member_values(self) -> list[str]:
        return _list(self.cleaned_data["member_values"])

    def clean_client_secret(self) -> str:
        secret: str = self.cleaned_data["client_secret"].strip()
        if not secret and self.fields["client_secret"].required:
            raise forms.ValidationError(self.fields["client_secret"].error_messages["required"], code="required")
        return secret

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        issuer = cleaned.get("issuer")
        if issuer and "issuer" not in self.errors:
            try:
                metadata = discovery_fetch(issuer)
            except DiscoveryError as error:
                self.add_error("issuer", str(error))
            else:
                cleaned["issuer"] = metadata["issuer"]  # exactly as the provider writes it in its tokens
        return cleaned
