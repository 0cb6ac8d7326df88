"""What an export holds: one CSV and one JSON file per table, each described field by field in the README.

Columns follow the models' concrete fields, so a field added later is exported
too (described by its verbose name until a note is written for it here).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import translation

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from shared_apps.database.connection import tenant_connection
from tenant_apps.parcels.models import Parcel
from tenant_apps.privacy.models import SubjectRequest
from tenant_apps.visits.models import Host, Visit, VisitEvent, Visitor, VisitSeries


@dataclass(frozen=True)
class ExportRange:
    """Visits that started in [start, end); None on both sides means all time."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def visits(self) -> QuerySet[Visit]:
        visits = Visit.objects.all()
        if self.start is not None:
            visits = visits.filter(expected_start__gte=self.start)
        if self.end is not None:
            visits = visits.filter(expected_start__lt=self.end)
        return visits


@dataclass(frozen=True)
class ExportTable:
    name: str
    model: type[models.Model]
    about: str
    rows: Callable[[ExportRange], QuerySet]
    notes: dict[str, str]
    excluded: tuple[str, ...] = ()

    def columns(self) -> list[str]:
        return [f.attname for f in self.model._meta.concrete_fields if f.attname not in self.excluded]

    def note(self, column: str) -> str:
        if column in self.notes:
            return self.notes[column]
        field = next(f for f in self.model._meta.concrete_fields if f.attname == column)
        return str(field.verbose_name).capitalize() + "."

    def queryset(self, span: ExportRange) -> QuerySet:
        return self.rows(span).order_by("pk").values_list(*self.columns())


def _visitors(span: ExportRange) -> QuerySet[Visitor]:
    if span.start is None and span.end is None:
        return Visitor.objects.all()
    return Visitor.objects.filter(pk__in=span.visits().values("visitor_id"))


def _series(span: ExportRange) -> QuerySet[VisitSeries]:
    if span.start is None and span.end is None:
        return VisitSeries.objects.all()
    return VisitSeries.objects.filter(pk__in=span.visits().values("series_id"))


def _events(span: ExportRange) -> QuerySet[VisitEvent]:
    if span.start is None and span.end is None:
        return VisitEvent.objects.all()
    return VisitEvent.objects.filter(visit_id__in=span.visits().values("pk"))


def _audit(span: ExportRange) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(tenant_schema=tenant_connection().schema_name)
    if span.start is not None:
        entries = entries.filter(at__gte=span.start)
    if span.end is not None:
        entries = entries.filter(at__lt=span.end)
    return entries


def _subject_requests(span: ExportRange) -> QuerySet[SubjectRequest]:
    requests = SubjectRequest.objects.all()
    if span.start is not None:
        requests = requests.filter(received_at__gte=span.start)
    if span.end is not None:
        requests = requests.filter(received_at__lt=span.end)
    return requests


def parcels_in(span: ExportRange) -> QuerySet[Parcel]:
    parcels = Parcel.objects.all()
    if span.start is not None:
        parcels = parcels.filter(received_at__gte=span.start)
    if span.end is not None:
        parcels = parcels.filter(received_at__lt=span.end)
    return parcels


def _codes(choices: list[tuple[str, Any]]) -> str:
    """The codes of a choice column with their labels: `correction` (correction), ..."""
    with translation.override("en"):
        return ", ".join(f"{code} ({label})" for code, label in choices) + "."


_TIME = "Date and time in UTC, ISO 8601."

TABLES = [
    ExportTable(
        name="visits", model=Visit, rows=lambda span: span.visits(),
        about="One row per visit: when it was planned, what happened, and the consent recorded at check-in.",
        notes={
            "id": "Number of the visit in this export and in the other files (visit_events.visit_id).",
            "visitor_id": "The visitor (visitors.id).",
            "host_id": "The person visited (hosts.id); empty if none.",
            "expected_start": f"Planned arrival. {_TIME}",
            "expected_end": f"Planned departure. {_TIME}",
            "purpose": "Purpose of the visit as entered.",
            "state": "expected, on_site, left, cancelled or no_show.",
            "checked_in_at": f"Arrival at the lobby; empty if the visitor never checked in. {_TIME}",
            "checked_out_at": f"Departure; empty if not checked out. {_TIME}",
            "channel": "How the visit was registered: invitation, kiosk, desk or api.",
            "consent_notice_version": "Version of the privacy notice the visitor accepted at check-in.",
            "consent_at": f"When the privacy notice was accepted. {_TIME}",
            "consent_channel": "Where the privacy notice was accepted: kiosk, desk, invitation or api.",
            "rules_version": "Version of the visitor rules accepted with this visit.",
            "auto_checked_out": "true if the building's end-of-day check-out closed the visit.",
            "created_by_id": "Staff account that registered the visit (staff_users.id); empty for kiosk or desk.",
            "updated_by_id": "Staff account that last changed the visit (staff_users.id).",
            "created_at": f"When the visit was registered. {_TIME}",
            "updated_at": f"Last change. {_TIME}",
            "series_id": "The visit over several days this day belongs to (visit_series.id); empty for a single visit.",
            "details_requested_at": f"Set while the visitor has still to fill in their own details through the "
            f"link sent to them; empty once they have, or when staff typed them. {_TIME}",
            "licence_plate": "The car's licence plate the visitor gave with their own details, when the building "
            "asks for it.",
        },
        excluded=("code_digest",),  # a keyed digest of the kiosk code: useless outside, and a credential's trace
    ),
    ExportTable(
        name="visit_series", model=VisitSeries, rows=_series,
        about="One row per visit over several days: its pattern. Each of its days is a row of visits (series_id).",
        notes={
            "id": "Number of the series (visits.series_id).", "first_day": "First day (YYYY-MM-DD).",
            "last_day": "Last day (YYYY-MM-DD).",
            "weekdays": "The weekdays it falls on, as ISO digits: 1 Monday to 7 Sunday (e.g. 12345).",
            "created_at": f"When the series was registered. {_TIME}",
        },
    ),
    ExportTable(
        name="visitors", model=Visitor, rows=_visitors,
        about="One row per person who visited (for a date range: the people of the visits in it).",
        notes={
            "id": "Number of the visitor (visits.visitor_id).",
            "first_name": "First name.", "last_name": "Last name.", "email": "E-mail address.",
            "phone": "Phone number in international format.", "company_name": "The visitor's company.",
            "language": "Language used for the visitor's messages (fr, nl, en, de).",
        },
    ),
    ExportTable(
        name="hosts", model=Host, rows=lambda span: Host.objects.all(),
        about="One row per person in the company whom visitors come to see.",
        notes={
            "id": "Number of the host (visits.host_id).", "name": "Name.", "email": "E-mail address.",
            "phone": "Phone number.",
            "notify_by": "How the host is told of an arrival: email, webhook, teams, slack or sms.",
            "is_active": "false once the host no longer receives visitors.",
            "user_id": "The host's staff account (staff_users.id), if any.",
        },
    ),
    ExportTable(
        name="parcels", model=Parcel, rows=parcels_in,
        about="One row per parcel the building's front desk received for a host (for a date range: those received "
        "in it). The photo of a parcel's label, if the desk took one, is parcel-photos/<id>.<jpg, png or webp>.",
        notes={
            "id": "Number of the parcel.", "host_id": "The recipient (hosts.id).", "carrier": "Carrier.",
            "tracking_reference": "The carrier's tracking reference, as the desk typed it; empty if none.",
            "items": "Number of items delivered together.", "received_at": f"When the desk received it. {_TIME}",
            "received_by": "The desk account that recorded it: desk:<building>:<account>.",
            "picked_up_at": f"When it was collected; empty while it waits at the desk. {_TIME}",
            "picked_up_by": "The name of who collected it, as the desk typed it.",
            "pick_up_recorded_by": "The desk account that recorded the pick-up: desk:<building>:<account>.",
        },
        excluded=("label_photo",),  # a name in the platform's storage, of no use outside it
    ),
    ExportTable(
        name="visit_events", model=VisitEvent, rows=_events,
        about="The timeline of every visit, consent records included: registration, check-in (with the "
        "privacy notice accepted), check-out, cancellation, no-show, notes.",
        notes={
            "id": "Number of the event.", "visit_id": "The visit (visits.id).", "at": f"When it happened. {_TIME}",
            "kind": "registered, rescheduled, checked_in, checked_out, auto_checked_out, cancelled, no_show or note.",
            "actor": "Who acted: a staff e-mail, desk:<building>:<account> or kiosk:<building>:<device>.",
            "note": "Free text attached to the event.",
        },
    ),
    ExportTable(
        name="subject_requests", model=SubjectRequest, rows=_subject_requests,
        about="The visitors' own requests about their data, made on their privacy page, with their deadlines "
        "(GDPR art. 12(3)) and the company's answers (for a date range: the requests received in it).",
        notes={
            "id": "Number of the request.",
            "kind": f"What the visitor asked: {_codes(SubjectRequest.Kind.choices)}",
            "status": f"Where it stands: {_codes(SubjectRequest.Status.choices)}",
            "visitor_id": "The person (visitors.id); empty once the person is erased.",
            "message": "The visitor's message; emptied once the request is closed.",
            "reply_to": "Where the outcome is e-mailed; emptied once it is sent.",
            "language": "Language of the visitor's e-mails (fr, nl, en, de).",
            "received_at": f"When the request arrived. {_TIME}",
            "due_at": f"Answer due by (one month after receipt, or the extended deadline). {_TIME}",
            "closed_at": f"When it was closed; empty while open. {_TIME}",
            "closed_by_id": "Staff account that closed it (staff_users.id).",
            "outcome_note": "The answer sent to the visitor.",
            "extended_at": f"When the deadline was extended (once, by up to two months); empty if not. {_TIME}",
            "extended_by_id": "Staff account that extended it (staff_users.id).",
            "extension_reason": "The reason for the extension, sent to the visitor.",
            "due_at_first": f"The first deadline, before the extension; empty if not extended. {_TIME}",
        },
    ),
    ExportTable(
        name="staff_users", model=User, rows=lambda span: User.objects.all(),
        about="The company's staff accounts on this platform (passwords are never exported).",
        excluded=("password", "is_superuser", "is_staff"),
        notes={
            "id": "Number of the account.", "last_login": f"Last sign-in. {_TIME}", "email": "E-mail address.",
            "full_name": "Full name.", "role": "admin or member.", "language": "Preferred language.",
            "is_active": "false for a disabled account.", "date_joined": f"When the account was created. {_TIME}",
        },
    ),
    ExportTable(
        name="audit_entries", model=AuditEntry, rows=_audit,
        about="The platform's audit log about this company: who did what and when (ids and counts only).",
        notes={
            "id": "Number of the entry.", "at": f"When. {_TIME}", "actor": "Who acted.",
            "action": "What was done, e.g. retention.update, export.download, retention.purge.",
            "tenant_schema": "This company's schema.", "ip": "Address the request came from, if any.",
            "object_ids": "JSON: the ids touched, by kind.", "details": "JSON: counts and settings, old and new.",
        },
    ),
]  # fmt: skip
