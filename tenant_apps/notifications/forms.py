from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from tenant_apps.notifications.webhooks import webhook_address_allowed


class WebhookForm(forms.Form):
    """The company's webhook URL: http(s) only, empty to switch the webhook off."""

    url = forms.URLField(
        label=_("Webhook URL"),
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_(
            "Check-in POSTs a signed JSON message to this address when a visitor arrives. Leave empty to stop."
        ),
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/hooks/check-in"}),
    )

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if url and not webhook_address_allowed(url):
            raise forms.ValidationError(_("Enter an address on the internet: private and local networks are refused."))
        return url
