"""A host's arrival message in the company's Microsoft Teams or Slack channel, through its incoming webhook.

The company's admins set one incoming-webhook address per service (notification settings); a host who chose
Teams or Slack is told there, by name, in the host's own language. The address is the only credential those
services ask for, so nothing is signed: the message goes as the JSON each service reads, with the delivery's
`Idempotency-Key` header like the company webhook. The channel is the company's own workspace, so the message
says what the host's arrival e-mail says (the visitor's name and arrival time), no more.
"""

import json
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from tenant_apps.notifications.emails import current_place, host_language
from tenant_apps.notifications.services import DeliveryError, chat_url
from tenant_apps.notifications.webhooks import WebhookResult, json_post
from tenant_apps.visits.models import CompanySettings, Host, Visit


def arrival_text(visit: Visit, *, with_host: bool) -> str:
    """The arrival message in the host's language: "Sophie Dubois: your visitor Marie Lambert has arrived at
    reception (09:12)." `with_host`: name the host first, as a shared channel needs."""
    place = current_place()
    arrived = formats.time_format(timezone.localtime(visit.checked_in_at or timezone.now(), place.time_zone), "H:i")
    names = {"name": str(visit.visitor), "time": arrived, "host": visit.host.name if visit.host else ""}
    with translation.override(host_language(visit)):
        if with_host and visit.host is not None:
            return _("%(host)s: your visitor %(name)s has arrived at reception (%(time)s).") % names
        return _("Your visitor %(name)s has arrived at reception (%(time)s).") % names


def teams_payload(text: str) -> dict[str, Any]:
    """An Adaptive Card in a message, the form both Teams' incoming webhooks and its Workflows webhooks read."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [{"type": "TextBlock", "text": text, "wrap": True}],
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def slack_payload(text: str) -> dict[str, Any]:
    """Slack's incoming-webhook message: plain text, with Slack's own markup characters escaped."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {"text": escaped}


def chat_post(*, visit: Visit, company: CompanySettings, notify_by: str, idempotency_key: str) -> WebhookResult:
    """Post the arrival of `visit` to the company's Teams or Slack channel; raises DeliveryError without an address."""
    url = chat_url(company, notify_by)
    if not url:
        raise DeliveryError(f"No {'Teams' if notify_by == Host.Notify.TEAMS else 'Slack'} webhook URL is set")
    text = arrival_text(visit, with_host=True)
    payload = teams_payload(text) if notify_by == Host.Notify.TEAMS else slack_payload(text)
    body = json.dumps(payload, separators=(",", ":")).encode()
    return json_post(url=url, body=body, headers={}, idempotency_key=idempotency_key)
