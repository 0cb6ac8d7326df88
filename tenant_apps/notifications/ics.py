"""The `.ics` calendar files attached to invitations, their new times and cancellations."""

import datetime as dt

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from tenant_apps.visits.models import Visit


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Check-in//Visitor invitation//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def visit_ics(
    *, visit: Visit, uid: str, summary: str, location: str, description: str, cancelled: bool, sequence: int
) -> bytes:
    """One VEVENT for the visit; a change or a cancellation (METHOD:CANCEL) has the same UID and a higher SEQUENCE."""
    calendar = _calendar("CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", visit.expected_start.astimezone(dt.UTC))
    event.add("dtend", visit.expected_end.astimezone(dt.UTC))
    event.add("summary", summary)
    event.add("location", vText(location))
    event.add("description", description)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>')}")
    organizer.params["cn"] = vText("Check-in")
    event.add("organizer", organizer)
    calendar.add_component(event)
    return calendar.to_ical()
