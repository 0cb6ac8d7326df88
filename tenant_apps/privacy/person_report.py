"""What a visitor sees and downloads of themselves: the whole record, in their language, with human labels.

Machine values stay as they are stored (codes, ISO 8601 times, for a program to read), each beside its label in the
person's language and, for a time, the Belgian form (7-12-2026 14:05) in the building's time zone. Build it inside
`translation.override(visitor.language)`. Only this person's rows are read.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from shared_apps.accounts.languages import LANGUAGE_CHOICES
from shared_apps.database.connection import tenant_connection
from tenant_apps.privacy.models import SubjectRequest
from tenant_apps.visits.models import Visit, VisitEvent, Visitor
from tenant_apps.visits.selectors import privacy_contact

FORMAT = "checkin.person-record/1"
BELGIAN_DATETIME = "j-n-Y H:i"  # 7-12-2026 14:05
# Visit columns left out: links to rows of other tables, given by name instead (the host) or not the person's data
# (the staff accounts that registered or changed the visit).
# The code's keyed digest is left out too: it is no data about the person, and a credential's trace.
VISIT_LEFT_OUT = {"visitor_id", "host_id", "created_by_id", "updated_by_id", "code_digest", "arrival_unannounced"}


def _time_zone() -> zoneinfo.ZoneInfo:
    building = getattr(tenant_connection().tenant, "building", None)
    return zoneinfo.ZoneInfo(building.timezone if building else settings.TIME_ZONE)


def belgian_datetime(value: dt.datetime | None) -> str:
    """`value` as 7-12-2026 14:05 in the building's time zone; empty for none."""
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value, _time_zone()), BELGIAN_DATETIME)


def actor_label(actor: str) -> str:
    """Who did something to a visit, as the visitor reads it: the kiosk, the desk, the company's staff or systems."""
    if actor.startswith("kiosk:"):
        return _("the lobby kiosk")
    if actor.startswith("desk:"):
        return _("the reception desk")
    if actor.startswith("api-token:"):
        return _("the company's systems")
    if actor.startswith(("person-link", "visitor:")):
        return _("you")
    if "@" in actor:
        return _("the company's staff")
    return _("automatically")


def _label(model: type[models.Model], name: str) -> str:
    return capfirst(str(getattr(model._meta.get_field(name), "verbose_name", name)))


def _entry(model: type[models.Model], name: str, value: Any) -> dict[str, Any]:
    """One field: its code, its label and its value, with a display form for choices and times."""
    field = model._meta.get_field(name)
    entry: dict[str, Any] = {"field": name, "label": _label(model, name), "value": value}
    if isinstance(value, dt.datetime):
        entry["value"] = value.isoformat()
        entry["display"] = belgian_datetime(value)
    elif choices := getattr(field, "choices", None):
        entry["display"] = str(dict(choices).get(value, value)) if value else ""
    else:
        entry["display"] = "" if value is None else str(value)
    return entry


def _visit(visit: Visit) -> dict[str, Any]:
    labels = {
        "id": _("Number"),
        "consent_notice_version": _("Version of the privacy notice"),
        "consent_at": _("Privacy notice accepted at"), "consent_channel": _("Privacy notice accepted through"),
        "rules_version": _("Version of the visitor rules"), "auto_checked_out": _("Checked out automatically"),
        "created_at": _("Registered at"), "updated_at": _("Last changed at"),
    }  # fmt: skip
    fields = []
    for field in Visit._meta.concrete_fields:
        if field.attname in VISIT_LEFT_OUT:
            continue
        value = getattr(visit, field.attname)
        entry = _entry(Visit, field.name, value)
        entry["label"] = labels.get(field.name, entry["label"])
        if isinstance(value, bool):
            entry["display"] = _("yes") if value else _("no")
        fields.append(entry)
    fields.insert(1, {"field": "host", "label": _("Host"), "value": visit.host.name if visit.host else None,
                      "display": visit.host.name if visit.host else ""})  # fmt: skip
    return {
        "id": visit.pk,
        "title": belgian_datetime(visit.expected_start),
        "state": visit.state,
        "state_label": visit.get_state_display(),
        "fields": fields,
        "events": [_event(event) for event in visit.events.all()],
    }


def _event(event: VisitEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "at_display": belgian_datetime(event.at),
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "by": actor_label(event.actor),
        "note": event.note,
    }


def _request(item: SubjectRequest) -> dict[str, Any]:
    return {
        "kind": item.kind, "kind_label": item.get_kind_display(),
        "status": item.status, "status_label": item.get_status_display(),
        "received_at": item.received_at.isoformat(), "received_at_display": belgian_datetime(item.received_at),
        "due_at": item.due_at.isoformat(), "due_at_display": belgian_datetime(item.due_at),
        "extended": item.extended_at is not None, "extension_reason": item.extension_reason,
        "message": item.message,
    }  # fmt: skip


def person_report(*, visitor: Visitor) -> dict[str, Any]:
    """Everything the current company holds about `visitor` (details, visits with their timelines, their own
    requests), with the controller's contact, labelled in the active language."""
    person = [_entry(Visitor, f.name, getattr(visitor, f.attname)) for f in Visitor._meta.concrete_fields]
    for entry in person:
        if entry["field"] == "id":
            entry["label"] = _("Number")
        if entry["field"] == "language":
            entry["display"] = dict(LANGUAGE_CHOICES).get(visitor.language, visitor.language)
    visits = Visit.objects.filter(visitor=visitor).select_related("host").prefetch_related("events").order_by("pk")
    contact = privacy_contact()
    controller = {
        "name": contact.controller, "contact_name": contact.name, "contact_email": contact.email,
        "dpo_name": contact.dpo_name, "dpo_email": contact.dpo_email,
    }  # fmt: skip
    return {
        "format": FORMAT,
        "language": visitor.language,
        "made_at": timezone.now().isoformat(),
        "made_at_display": belgian_datetime(timezone.now()),
        "controller": controller,
        "person": person,
        "visits": [_visit(visit) for visit in visits],
        "requests": [_request(item) for item in SubjectRequest.objects.filter(visitor=visitor)],
    }
