import urllib.parse

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from tenant_apps.notifications.webhooks import webhook_address_allowed


class WebUrlField(forms.URLField):
    """A URL field that takes http(s) only, with one message for a bad address (a second URLValidator beside the
    field's own would say "Enter a valid URL." twice)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class WebhookForm(forms.Form):
    """The company's webhook URL: http(s) only, empty to switch the webhook off."""

    url = WebUrlField(
        label=_("Webhook URL"),
        required=False,
        max_length=200,
        assume_scheme="https",
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


class ChatChannelsForm(forms.Form):
    """The incoming-webhook addresses of the company's Teams and Slack channels; empty switches one off."""

    teams_url = forms.URLField(
        label=_("Microsoft Teams webhook URL"),
        required=False,
        max_length=1000,  # a Teams Workflows address runs to several hundred characters
        assume_scheme="https",
        help_text=_(
            "From the channel's Workflows or Incoming Webhook connector. Hosts who chose Teams are told there."
        ),
        widget=forms.URLInput(attrs={"placeholder": "https://….webhook.office.com/webhookb2/…"}),
    )
    slack_url = forms.URLField(
        label=_("Slack webhook URL"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text=_("From the Slack app's Incoming Webhooks page. Hosts who chose Slack are told there."),
        widget=forms.URLInput(attrs={"placeholder": "https://hooks.slack.com/services/…"}),
    )

    def _chat_url(self, name: str) -> str:
        url: str = self.cleaned_data[name]
        if not url:
            return ""
        # The address is the channel's only credential: it never travels in clear. Local test receivers (allowed
        # with private addresses) have no certificate.
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme != "https" and not (scheme == "http" and settings.CHECKIN_WEBHOOK_ALLOW_PRIVATE):
            raise forms.ValidationError(_("Enter an address that starts with https://."))
        if not webhook_address_allowed(url):
            raise forms.ValidationError(_("Enter an address on the internet: private and local networks are refused."))
        return url

    def clean_teams_url(self) -> str:
        return self._chat_url("teams_url")

    def clean_slack_url(self) -> str:
        return self._chat_url("slack_url")
