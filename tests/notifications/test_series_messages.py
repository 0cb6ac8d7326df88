"""A visit over several days: one invitation with one code and one recurring calendar event (RRULE), and one
message per cancellation with the cancelled days excluded (EXDATE), read back with a calendar parser."""

import datetime as dt
import re
import zoneinfo

import pytest
from dateutil.rrule import rrulestr
from django.core import mail
from icalendar import Calendar

from shared_apps.operations.encryption import code_digests
from tenant_apps.notifications.models import Delivery
from tenant_apps.visits.models import Host, Visit, Visitor
from tenant_apps.visits.selectors import series_visits
from tenant_apps.visits.series import visit_series_cancel_rest, visit_series_register
from tenant_apps.visits.services import SeriesPattern, visit_cancel
from tests.notifications.conftest import ADMIN

pytestmark = pytest.mark.usefixtures("eager")
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
# Monday 22 March to Friday 2 April 2027, on working days: summer time begins on Sunday 28 March.
FIRST, LAST = dt.date(2027, 3, 22), dt.date(2027, 4, 2)


def _register(language: str = "en"):
    visitor = Visitor.objects.create(first_name="Rita", last_name="Recurring", email="rita@example.org",
                                     language=language)  # fmt: skip
    start = dt.datetime.combine(FIRST, dt.time(9), tzinfo=BRUSSELS)
    series = visit_series_register(
        visitor=visitor, host=Host.objects.order_by("pk").first(), expected_start=start,
        expected_end=start + dt.timedelta(hours=8), pattern=SeriesPattern(last_day=LAST, weekdays="12345"),
        purpose="Audit", actor=ADMIN,
    ).series  # fmt: skip
    assert series is not None
    return series, series_visits(series.pk)


def _calendar(message) -> tuple[str, Calendar]:
    [(_name, content, mimetype)] = [a for a in message.attachments if isinstance(a, tuple)]
    assert mimetype.startswith("text/calendar")
    return mimetype, Calendar.from_ical(content)


def _rule(event) -> str:
    written = event["rrule"].to_ical()
    return written.decode() if isinstance(written, bytes) else str(written)


def _occurrences(calendar: Calendar) -> list[dt.datetime]:
    """The event's days as a calendar expands them: the RRULE from DTSTART, less the EXDATEs."""
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    rule = rrulestr(_rule(event), dtstart=start)
    excluded = set()
    for exdate in event.get("exdate", []) if isinstance(event.get("exdate"), list) else [event.get("exdate")]:
        if exdate is not None:
            excluded |= {value.dt for value in exdate.dts}
    return [day for day in rule if day not in excluded]


def _at_nine(days: list[dt.date]) -> list[dt.datetime]:
    return [dt.datetime.combine(day, dt.time(9), tzinfo=BRUSSELS) for day in days]


WORKING_DAYS = [FIRST + dt.timedelta(days=n) for n in range(12) if (FIRST + dt.timedelta(days=n)).isoweekday() <= 5]


def test_one_invitation_with_one_code_for_every_day_and_a_recurring_event(in_acme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        series, _days = _register()
    [message] = mail.outbox
    assert message.subject == "Your visits to Acme Logistics from Monday 22 March 2027 to Friday 2 April 2027"
    assert "Thursday 1 April 2027" in message.body and "Saturday" not in message.body
    found = re.search(r":\s+([A-HJ-NP-Z2-9]{8})\s*$", str(message.body), re.MULTILINE)
    assert found is not None
    code = found.group(1)
    assert {v.code_digest for v in series_visits(series.pk)} <= set(code_digests(code))  # the mailed code, every day
    mimetype, calendar = _calendar(message)
    assert "method=PUBLISH" in mimetype and calendar["method"] == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]).startswith(f"series-{series.pk}.acme@")
    rule = _rule(event)
    assert "FREQ=WEEKLY" in rule and "BYDAY=MO,TU,WE,TH,FR" in rule
    # 9:00 in Brussels on every day, before and after the change to summer time.
    assert _occurrences(calendar) == _at_nine(WORKING_DAYS) and len(WORKING_DAYS) == 10
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(hours=8)
    assert Delivery.objects.filter(visit__series=series).count() == 1


def test_cancelling_a_day_then_the_rest_sends_one_message_each_with_the_days_excluded(
    in_acme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        series, days = _register(language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        visit_cancel(visit=days[1], actor=ADMIN)  # Tuesday 23 March
    one_day = mail.outbox[1]
    assert one_day.subject.startswith("Dagen geannuleerd")
    assert "dinsdag 23 maart 2027" in one_day.body
    _mimetype, calendar = _calendar(one_day)
    [event] = calendar.walk("VEVENT")
    assert event["sequence"] == 1 and str(event["uid"]).startswith(f"series-{series.pk}.")
    assert _occurrences(calendar) == _at_nine([day for day in WORKING_DAYS if day != dt.date(2027, 3, 23)])
    with django_capture_on_commit_callbacks(execute=True):
        visit_series_cancel_rest(visit=days[6], actor=ADMIN)  # from Tuesday 30 March on
    assert len(mail.outbox) == 3  # one message for the four days
    _mimetype, calendar = _calendar(mail.outbox[2])
    [event] = calendar.walk("VEVENT")
    assert event["sequence"] == 5
    left = [day for day in WORKING_DAYS if day != dt.date(2027, 3, 23) and day < dt.date(2027, 3, 30)]
    assert _occurrences(calendar) == _at_nine(left)
    assert [v.state for v in series_visits(series.pk)].count(Visit.State.CANCELLED) == 5


def test_with_every_day_cancelled_the_event_itself_is_cancelled(in_acme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _series, days = _register()
    with django_capture_on_commit_callbacks(execute=True):
        visit_series_cancel_rest(visit=days[0], actor=ADMIN)
    mimetype, calendar = _calendar(mail.outbox[1])
    assert "method=CANCEL" in mimetype and calendar["method"] == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert event["status"] == "CANCELLED"
