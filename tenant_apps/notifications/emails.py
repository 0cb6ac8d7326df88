"""The e-mails about a visit: the visitor's invitation, its new time, its cancellation; the host's arrival notice;
and the host's notice of a parcel waiting at the reception.

Every e-mail to the visitor names whom to ask about their data and carries their own privacy link.

Each is rendered in its reader's language and in the building's time zone, as
multipart text and HTML. The invitation carries the kiosk code as a QR image
(inline, Content-ID `qr`) and a calendar file; a new time sends it again, with a
calendar file that moves the same event (a higher SEQUENCE per change).
"""

import io
import zoneinfo
from dataclasses import dataclass
from email.mime.image import MIMEImage
from typing import Any

import segno
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from shared_apps.database.connection import tenant_connection
from shared_apps.tenancy.dates import day_date
from shared_apps.tenancy.models import Tenant
from tenant_apps.notifications.ics import series_ics, visit_ics
from tenant_apps.notifications.services import DeliveryError, Told, approval_address, walk_in_reception_address
from tenant_apps.parcels.models import Parcel
from tenant_apps.visits.approval import approval_url
from tenant_apps.visits.models import Host, Visit, VisitEvent, VisitSeries
from tenant_apps.visits.person_links import person_page_url
from tenant_apps.visits.selectors import privacy_contact, series_visits
from tenant_apps.visits.self_registration import details_link_until, details_url
from tenant_apps.visits.services import Decision

QR_CONTENT_ID = "qr"


@dataclass(frozen=True)
class Place:
    """Where the visit happens: the company of the current schema, in its building."""

    company: str
    building: str
    address: str
    time_zone: zoneinfo.ZoneInfo
    schema: str


def current_place() -> Place:
    tenant: Tenant = tenant_connection().tenant
    building = tenant.building
    return Place(
        company=tenant.name,
        building=building.name if building else "",
        address=building.address if building else "",
        time_zone=zoneinfo.ZoneInfo(building.timezone if building else settings.TIME_ZONE),
        schema=tenant.schema_name,
    )


def qr_png(code: str) -> bytes:
    """The visit code as a PNG QR code, large enough for a kiosk camera to read from a phone screen."""
    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def _when(visit: Visit, place: Place) -> dict[str, str]:
    start = timezone.localtime(visit.expected_start, place.time_zone)
    end = timezone.localtime(visit.expected_end, place.time_zone)
    return {
        "date": day_date(start),  # Belgian in every language: "Tuesday 2 March 2027" (checkin/formats)
        "start": formats.time_format(start, "H:i"),
        "end": formats.time_format(end, "H:i"),
        "time_zone": str(place.time_zone),
    }


def _message(*, subject: str, template: str, context: dict[str, Any], to: str) -> EmailMultiAlternatives:
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def _visit_context(visit: Visit, place: Place) -> dict[str, Any]:
    return {"visit": visit, "visitor": visit.visitor, "host": visit.host, "place": place, **_when(visit, place)}


def _visitor_context(visit: Visit, place: Place) -> dict[str, Any]:
    """An e-mail to the visitor: the visit, and their own privacy link with whom to ask (never "do not reply")."""
    return {
        **_visit_context(visit, place), "privacy_url": person_page_url(visit.visitor), "contact": privacy_contact(),
        "privacy_days": settings.CHECKIN_PERSON_LINK_DAYS,
    }  # fmt: skip


def _calendar_uid(visit: Visit, place: Place) -> str:
    if visit.series_id is not None:
        return f"series-{visit.series_id}.{place.schema}@{settings.CHECKIN_ROOT_DOMAIN}"
    return f"visit-{visit.pk}.{place.schema}@{settings.CHECKIN_ROOT_DOMAIN}"


def _series_context(visit: Visit, place: Place) -> dict[str, Any]:
    """A visit over several days: its days still planned and those cancelled, written out (Belgian formats)."""
    if visit.series_id is None:
        return {"series": None}
    days = series_visits(visit.series_id)
    written = [(day_date(timezone.localtime(day.expected_start, place.time_zone)), day.state) for day in days]
    return {
        "series": {
            "first": written[0][0], "last": written[-1][0],
            "days": [date for date, state in written if state != Visit.State.CANCELLED],
            "cancelled": [date for date, state in written if state == Visit.State.CANCELLED],
        },
        "series_visits": days,
    }  # fmt: skip


def _series_calendar_file(visit: Visit, place: Place, days: list[Visit]) -> bytes:
    series = VisitSeries.objects.get(visits=visit)
    # Each cancelled day is one change of the event: the count orders them for calendars (SEQUENCE).
    cancelled = sum(day.state == Visit.State.CANCELLED for day in days)
    return series_ics(
        days=days,
        weekdays=series.iso_weekdays,
        zone=place.time_zone,
        uid=_calendar_uid(visit, place),
        summary=_("Visit to %(company)s") % {"company": place.company},
        location=", ".join(part for part in (place.building, place.address) if part),
        description=_("Your code for the kiosk, valid on each day: %(code)s") % {"code": visit.code},
        sequence=cancelled,
    )


def _calendar_file(visit: Visit, place: Place, *, cancelled: bool) -> bytes:
    # Each change of time, then a cancellation, must carry a higher SEQUENCE for calendars to apply it.
    sequence = visit.events.filter(kind=VisitEvent.Kind.RESCHEDULED).count() + (1 if cancelled else 0)
    return visit_ics(
        visit=visit,
        uid=_calendar_uid(visit, place),
        summary=_("Visit to %(company)s") % {"company": place.company},
        location=", ".join(part for part in (place.building, place.address) if part),
        # The day and times as the e-mail writes them (Belgian formats), then the code.
        description="{date}, {start}\u2013{end}\n".format(**_when(visit, place))
        + _("Your code for the kiosk: %(code)s") % {"code": visit.code},
        cancelled=cancelled,
        sequence=sequence,
    )


def invitation_email(*, visit: Visit, rescheduled: bool = False) -> EmailMultiAlternatives:
    """The visitor's invitation, in their language: when, where, whom, the code, its QR and a calendar file.

    `rescheduled`: the same, saying that the date or time changed.
    """
    place = current_place()
    with translation.override(visit.visitor.language):
        context = {**_visitor_context(visit, place), "qr_cid": QR_CONTENT_ID, "rescheduled": rescheduled,
                   **_series_context(visit, place)}  # fmt: skip
        names = {"company": place.company, "date": context["date"]}
        if context["series"]:
            names = {"company": place.company, **context["series"]}
            subject = _("Your visits to %(company)s from %(first)s to %(last)s") % names
            ics = _series_calendar_file(visit, place, context["series_visits"])
        else:
            subject = (_("New time: your visit to %(company)s on %(date)s") if rescheduled else
                       _("Your visit to %(company)s on %(date)s")) % names  # fmt: skip
            ics = _calendar_file(visit, place, cancelled=False)
        message = _message(subject=subject, template="invitation", context=context, to=visit.visitor.email)
    image = MIMEImage(qr_png(visit.code), "png")
    image.add_header("Content-ID", f"<{QR_CONTENT_ID}>")
    image.add_header("Content-Disposition", "inline", filename="check-in-code.png")
    message.mixed_subtype = "related"  # type: ignore[attr-defined]  # the QR is shown inline in the HTML
    message.attach(image)
    message.attach("visit.ics", ics, "text/calendar; method=PUBLISH")
    return message


def details_request_email(*, visit: Visit) -> EmailMultiAlternatives:
    """Ask the visitor, in their language, to fill in their own details through their single-use link; the
    invitation with the code follows once they have."""
    until = details_link_until(visit)
    if until is None:
        raise DeliveryError("The visitor's details are no longer awaited")
    place = current_place()
    with translation.override(visit.visitor.language):
        context = {**_visitor_context(visit, place), "details_url": details_url(visit),
                   "until": day_date(timezone.localtime(until, place.time_zone))}  # fmt: skip
        subject = _("Your visit to %(company)s on %(date)s: please fill in your details") % {
            "company": place.company, "date": context["date"]}  # fmt: skip
        return _message(subject=subject, template="details_request", context=context, to=visit.visitor.email)


def reschedule_email(*, visit: Visit) -> EmailMultiAlternatives:
    return invitation_email(visit=visit, rescheduled=True)


def cancellation_email(*, visit: Visit) -> EmailMultiAlternatives:
    """The visitor's notice that the visit is off, with a calendar file that removes it."""
    place = current_place()
    with translation.override(visit.visitor.language):
        context = {**_visitor_context(visit, place), **_series_context(visit, place)}
        if context["series"]:
            # One message for the days cancelled together (one day, or the rest of the series), with the series'
            # calendar file: the cancelled days excluded, or the whole event cancelled when none is left.
            subject = _("Days cancelled: your visits to %(company)s from %(first)s to %(last)s") % {
                "company": place.company, **context["series"],
            }  # fmt: skip
            ics = _series_calendar_file(visit, place, context["series_visits"])
            method = "PUBLISH" if context["series"]["days"] else "CANCEL"
        else:
            subject = _("Cancelled: your visit to %(company)s on %(date)s") % {
                "company": place.company,
                "date": context["date"],
            }
            ics, method = _calendar_file(visit, place, cancelled=True), "CANCEL"
        message = _message(subject=subject, template="cancellation", context=context, to=visit.visitor.email)
    message.attach("cancel.ics" if method == "CANCEL" else "visit.ics", ics, f"text/calendar; method={method}")
    return message


def host_language(visit: Visit) -> str:
    return _language_of(visit.host)


def _language_of(host: Host | None) -> str:
    """A host's language: their account's, or the site's default for a host without one."""
    user = host.user if host else None
    known = {code for code, _ in settings.LANGUAGES}
    return user.language if user and user.language in known else settings.LANGUAGE_CODE


def host_arrival_email(*, visit: Visit) -> EmailMultiAlternatives:
    """The host's notice that their visitor is at reception, in the host's language."""
    assert visit.host is not None
    place = current_place()
    with translation.override(host_language(visit)):
        context = _visit_context(visit, place)
        context["arrived"] = formats.time_format(timezone.localtime(visit.checked_in_at, place.time_zone), "H:i")
        subject = _("Your visitor %(name)s has arrived") % {"name": str(visit.visitor)}
        return _message(subject=subject, template="host_arrival", context=context, to=visit.host.email)


def parcel_email(*, parcel: Parcel) -> EmailMultiAlternatives:
    """The recipient's notice that a parcel waits for them at the reception, in the host's language, with the time
    it came in the building's time zone (Belgian format)."""
    host = parcel.host
    if not host.email:
        raise DeliveryError("The recipient has no e-mail address")
    place = current_place()
    with translation.override(_language_of(host)):
        received = timezone.localtime(parcel.received_at, place.time_zone)
        context = {
            "parcel": parcel, "host": host, "place": place, "date": day_date(received),
            "received": formats.time_format(received, "H:i"),
        }  # fmt: skip
        subject = _("A parcel waits for you at the reception")
        return _message(subject=subject, template="parcel", context=context, to=host.email)


def reception_arrival_email(*, visit: Visit) -> EmailMultiAlternatives:
    """A kiosk walk-in whom no host hears of, for the company's reception address or the building's desk, in the
    building's first kiosk language."""
    told, address = walk_in_reception_address()
    if not address:
        raise DeliveryError("No reception or desk address is set")
    place = current_place()
    building = tenant_connection().tenant.building
    languages = building.kiosk_languages if building is not None else []
    with translation.override(languages[0] if languages else settings.LANGUAGE_CODE):
        context = _visit_context(visit, place)
        context["arrived"] = formats.time_format(timezone.localtime(visit.checked_in_at, place.time_zone), "H:i")
        context["for_desk"] = told != Told.RECEPTION
        subject = _("Walk-in for %(company)s: %(name)s is at reception") % {
            "company": place.company,
            "name": str(visit.visitor),
        }
        return _message(subject=subject, template="reception_arrival", context=context, to=address)


def approval_links(visit: Visit, *, asked: str) -> tuple[str, str]:
    """The approve and decline links of a waiting walk-in, made for whoever is asked."""
    return (approval_url(visit, decision=Decision.APPROVE, asked=asked),
            approval_url(visit, decision=Decision.DECLINE, asked=asked))  # fmt: skip


def approval_request_email(*, visit: Visit) -> EmailMultiAlternatives:
    """Ask the host (or the company's reception address) to approve or decline a kiosk walk-in, in the host's
    language (the reception's: the building's first kiosk language), with single-use links valid until the
    company's timeout."""
    asked, address = approval_address(visit)
    if not address or visit.approval_deadline is None:
        raise DeliveryError("No host or reception address to ask")
    place = current_place()
    building = tenant_connection().tenant.building
    languages = building.kiosk_languages if building is not None else []
    language = host_language(visit) if asked == "host" else (languages[0] if languages else settings.LANGUAGE_CODE)
    approve, decline = approval_links(visit, asked=asked)
    with translation.override(language):
        context = _visit_context(visit, place)
        context.update(
            asked=formats.time_format(timezone.localtime(visit.created_at, place.time_zone), "H:i"),
            until=formats.time_format(timezone.localtime(visit.approval_deadline, place.time_zone), "H:i"),
            approve_url=approve, decline_url=decline,
        )  # fmt: skip
        subject = _("Approve a visitor: %(name)s is at reception") % {"name": str(visit.visitor)}
        return _message(subject=subject, template="approval_request", context=context, to=address)
