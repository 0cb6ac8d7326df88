"""Sentry set-up that never sends personal data.

`send_default_pii=False` keeps the SDK from attaching users, cookies and
bodies on its own; `scrub_event` removes whatever an integration or a log
message added anyway, including breadcrumbs.
"""

from typing import Any

import sentry_sdk

FILTERED = "[Filtered]"
_REQUEST_KEYS_KEPT = {"method", "url", "env"}  # no data, cookies, headers or query string
_SAFE_BREADCRUMB_KEYS = {"category", "level", "type", "timestamp"}

Event = dict[str, Any]


def scrub_event(event: Event, hint: dict[str, Any] | None = None) -> Event:
    """Strip request bodies, cookies, headers, user fields and free text from an event."""
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {key: value for key, value in request.items() if key in _REQUEST_KEYS_KEPT}
        if isinstance(event["request"].get("url"), str):
            event["request"]["url"] = event["request"]["url"].split("?", 1)[0]
    event.pop("user", None)
    event.pop("server_name", None)
    for key in ("extra", "contexts"):
        if key in event and isinstance(event[key], dict):
            event[key] = {name: value for name, value in event[key].items() if name in {"runtime", "os", "trace"}}
    for exception in (event.get("exception") or {}).get("values", []) or []:
        # Exception messages can quote field values ("duplicate key (email)=(...)").
        exception["value"] = FILTERED
        for frame in (exception.get("stacktrace") or {}).get("frames", []) or []:
            frame.pop("vars", None)
    if "logentry" in event and isinstance(event["logentry"], dict):
        event["logentry"] = {"message": event["logentry"].get("message", ""), "params": []}
    if "message" in event and "logentry" not in event:
        event["message"] = FILTERED
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [scrub_breadcrumb(crumb) for crumb in breadcrumbs.get("values", [])]
    return event


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Keep only a breadcrumb's kind and time: its message and data may quote visitors."""
    return {key: value for key, value in crumb.items() if key in _SAFE_BREADCRUMB_KEYS}


def init_sentry(dsn: str, *, environment: str, release: str | None = None, **options: Any) -> None:
    """Initialise sentry-sdk; `options` lets tests plug in a transport that records events."""
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,  # type: ignore[arg-type]
        before_breadcrumb=scrub_breadcrumb,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        **options,
    )
