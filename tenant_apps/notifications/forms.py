from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _


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
