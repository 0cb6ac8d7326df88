"""Text messages (SMS) to hosts through a provider the operator sets up with environment variables.

The operator picks the adapter with CHECKIN_SMS_PROVIDER: `disabled` (the default: no host can choose SMS, and a
delivery left from before fails with its reason) or `http`, a generic JSON POST with a bearer token that most SMS
gateways accept directly or through a small relay:

    POST CHECKIN_SMS_URL
    Authorization: Bearer CHECKIN_SMS_TOKEN
    Idempotency-Key: <the delivery's key, the same on every try>
    {"to": "+32470123456", "from": CHECKIN_SMS_SENDER, "text": "..."}

Any 2xx is accepted; anything else, a timeout or a refused connection is a failed try, retried like every delivery.
The provider receives a host's phone number and a visitor's name: deploy/README.md requires one that processes
data in the EU/EEA under a data processing agreement, as everything else Check-in runs on.
"""

import json
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tenant_apps.notifications.services import DeliveryError
from tenant_apps.notifications.webhooks import WebhookResult, json_post

DISABLED = "disabled"
HTTP = "http"


class SmsSender(Protocol):
    def send(self, *, to: str, text: str, idempotency_key: str) -> WebhookResult: ...


class DisabledSms:
    """No provider: nothing is sent, and the try fails with a reason an admin can read in the delivery log."""

    def send(self, *, to: str, text: str, idempotency_key: str) -> WebhookResult:
        raise DeliveryError("SMS is not set up by the operator")


@dataclass(frozen=True)
class HttpJsonSms:
    """A JSON POST with a bearer token to the provider's URL (see the module docstring)."""

    url: str
    token: str
    sender: str

    def send(self, *, to: str, text: str, idempotency_key: str) -> WebhookResult:
        body = json.dumps({"to": to, "from": self.sender, "text": text}, separators=(",", ":")).encode()
        # The operator set the URL, not a company: a gateway on the operator's own network is fine.
        return json_post(
            url=self.url,
            body=body,
            headers={"Authorization": f"Bearer {self.token}"},
            idempotency_key=idempotency_key,
            private_ok=True,
        )


def sms_sender() -> SmsSender:
    """The adapter the settings choose; ImproperlyConfigured for an unknown provider or an incomplete `http` one."""
    provider = settings.CHECKIN_SMS_PROVIDER
    if provider == DISABLED:
        return DisabledSms()
    if provider != HTTP:
        raise ImproperlyConfigured(f"CHECKIN_SMS_PROVIDER must be {DISABLED!r} or {HTTP!r}, not {provider!r}")
    # The token travels with every message: https only, but for a local test gateway (private addresses allowed).
    schemes = ("https://", "http://") if settings.CHECKIN_WEBHOOK_ALLOW_PRIVATE else ("https://",)
    if not settings.CHECKIN_SMS_URL.startswith(schemes) or not settings.CHECKIN_SMS_TOKEN:
        raise ImproperlyConfigured("CHECKIN_SMS_PROVIDER=http needs an https:// CHECKIN_SMS_URL and CHECKIN_SMS_TOKEN")
    return HttpJsonSms(
        url=settings.CHECKIN_SMS_URL, token=settings.CHECKIN_SMS_TOKEN, sender=settings.CHECKIN_SMS_SENDER
    )
