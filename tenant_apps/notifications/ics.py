"""The `.ics` calendar files attached to invitations, their new times and cancellations; one recurring event for a
visit over several days."""

import datetime as dt
import zoneinfo

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
    event.add("organizer", _organizer())
    calendar.add_component(event)
    return calendar.to_ical()


def _organizer() -> vCalAddress:
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>')}")
    organizer.params["cn"] = vText("Check-in")
    return organizer


_BYDAY = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}


def series_ics(
    *,
    days: list[Visit],
    weekdays: list[int],
    zone: zoneinfo.ZoneInfo,
    uid: str,
    summary: str,
    location: str,
    description: str,
    sequence: int,
) -> bytes:
    """One recurring VEVENT for a visit over several days: the first day's times in the building's time zone (so
    9:00 stays 9:00 across a change of summer time), a weekly RRULE on the series' weekdays until its last day, and
    an EXDATE per cancelled day. With every day cancelled, the event itself is cancelled (METHOD:CANCEL). Each
    change carries a higher SEQUENCE, under the same UID."""
    cancelled = [day for day in days if day.state == Visit.State.CANCELLED]
    all_cancelled = len(cancelled) == len(days)
    calendar = _calendar("CANCEL" if all_cancelled else "PUBLISH")
    first, last = days[0], days[-1]
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", first.expected_start.astimezone(zone))
    event.add("dtend", first.expected_end.astimezone(zone))
    event.add("rrule", {"freq": "weekly", "byday": [_BYDAY[day] for day in weekdays],
                        "until": last.expected_start.astimezone(dt.UTC)})  # fmt: skip
    if cancelled and not all_cancelled:
        event.add("exdate", [day.expected_start.astimezone(zone) for day in cancelled])
    event.add("summary", summary)
    event.add("location", vText(location))
    event.add("description", description)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if all_cancelled else "CONFIRMED")
    event.add("organizer", _organizer())
    calendar.add_component(event)
    calendar.add_missing_timezones(first_date=first.expected_start.date(), last_date=last.expected_end.date())
    return calendar.to_ical()
