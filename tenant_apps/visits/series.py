"""Visits over several days (a date range, or some weekdays of it): one `VisitSeries`, one `Visit` per day.

Why one row per day: check-in, check-out, the building's auto check-out, no-shows, the desk's read model and
exports already work per visit, so each day of a series is an ordinary visit for all of them. What the days
share is the kiosk code (one digest on every day: the kiosk finds the day's row, `tenant_apps/desk/selectors.py`),
the one invitation with its recurring `.ics` (sent about the first day, `tenant_apps/notifications/emails.py`),
and the retention, counted from the series' last day (`tenant_apps/privacy/retention.py`).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenant_apps.visits.models import Host, Visit, VisitEvent, Visitor, VisitSeries, new_visit_code
from tenant_apps.visits.selectors import series_days_from
from tenant_apps.visits.services import (
    Actor,
    Registration,
    SeriesPattern,
    VisitStateError,
    cancel_one,
    visit_register,
    visitor_find_or_create,
    visitor_refuse_if_unusable,
)
from tenant_apps.visits.signals import visit_cancelled, visit_registered

# A series spans at most this many days from its first to its last, and holds at most this many visits.
SERIES_MAX_SPAN_DAYS = 90
SERIES_MAX_DAYS = 60
WORKING_DAYS = "12345"  # Monday to Friday, the default pattern

TOO_LONG_MESSAGE = gettext_lazy("A series can last %(days)s days at most: choose an earlier last day.")
TOO_MANY_MESSAGE = gettext_lazy("A series can hold %(count)s visits at most: choose fewer days or an earlier last day.")
LAST_BEFORE_FIRST_MESSAGE = gettext_lazy("The last day must be on or after the day of arrival.")
NO_DAY_MESSAGE = gettext_lazy("No day between the arrival and the last day falls on the chosen weekdays.")
NO_WEEKDAY_MESSAGE = gettext_lazy("Choose at least one weekday.")
SAME_DAY_MESSAGE = gettext_lazy("For a visit over several days, the departure is on the day of arrival (its time).")


def weekdays_clean(weekdays: str | list[int] | list[str]) -> str:
    """ISO weekday digits, sorted and once each ("531" -> "135"); "" when none is valid."""
    return "".join(sorted({str(day) for day in weekdays if str(day) in "1234567" and str(day)}))


def series_days(*, first_day: dt.date, last_day: dt.date, weekdays: str) -> list[dt.date]:
    """The days from `first_day` to `last_day` (both included) that fall on `weekdays` (ISO digits)."""
    wanted = {int(day) for day in weekdays}
    span = (last_day - first_day).days
    return [day for offset in range(span + 1) if (day := first_day + dt.timedelta(days=offset)).isoweekday() in wanted]


def series_problems(*, start: dt.datetime, end: dt.datetime, last_day: dt.date, weekdays: str) -> dict[str, str]:
    """Why this series cannot be registered, by field (`last_day`, `weekdays`, `expected_end`); empty when it can."""
    first_day = timezone.localdate(start)
    if not weekdays_clean(weekdays):
        return {"weekdays": str(NO_WEEKDAY_MESSAGE)}
    if last_day < first_day:
        return {"last_day": str(LAST_BEFORE_FIRST_MESSAGE)}
    if (last_day - first_day).days >= SERIES_MAX_SPAN_DAYS:
        return {"last_day": str(TOO_LONG_MESSAGE) % {"days": SERIES_MAX_SPAN_DAYS}}
    if timezone.localdate(end) != first_day:
        return {"expected_end": str(SAME_DAY_MESSAGE)}
    days = series_days(first_day=first_day, last_day=last_day, weekdays=weekdays_clean(weekdays))
    if not days:
        return {"weekdays": str(NO_DAY_MESSAGE)}
    if len(days) > SERIES_MAX_DAYS:
        return {"last_day": str(TOO_MANY_MESSAGE) % {"count": SERIES_MAX_DAYS}}
    return {}


def _at(day: dt.date, clock: dt.datetime) -> dt.datetime:
    """`clock`'s local time of day on `day`, in the current (the company's) time zone: 9:00 stays 9:00 over DST."""
    zone = timezone.get_current_timezone()
    local = timezone.localtime(clock, zone)
    return dt.datetime.combine(day, local.time(), tzinfo=zone)


@transaction.atomic
def visit_series_register(
    *,
    visitor: Visitor,
    host: Host | None,
    expected_start: dt.datetime,
    expected_end: dt.datetime,
    pattern: SeriesPattern,
    purpose: str,
    actor: Actor,
) -> Visit:
    """Register one visit per day of the series, all or none, sharing one fresh kiosk code; the visitor gets one
    invitation (about the first day) with the whole series. Returns the first day, its code in clear (`code`).
    Refused (VisitStateError, translated) beyond SERIES_MAX_SPAN_DAYS or SERIES_MAX_DAYS, or for someone who
    objected or is restricted."""
    problems = series_problems(start=expected_start, end=expected_end, last_day=pattern.last_day,
                               weekdays=pattern.weekdays)  # fmt: skip
    if problems:
        raise VisitStateError(next(iter(problems.values())))
    visitor_refuse_if_unusable(visitor)
    weekdays = weekdays_clean(pattern.weekdays)
    days = series_days(first_day=timezone.localdate(expected_start), last_day=pattern.last_day, weekdays=weekdays)
    series = VisitSeries.objects.create(first_day=days[0], last_day=days[-1], weekdays=weekdays)
    code = new_visit_code()
    visits = []
    for day in days:
        visit = Visit(
            visitor=visitor, host=host, series=series, purpose=purpose,
            expected_start=_at(day, expected_start), expected_end=_at(day, expected_end),
            channel=actor.channel, created_by=actor.user, updated_by=actor.user,
        )  # fmt: skip
        visit.code = code
        visits.append(visit)
    Visit.objects.bulk_create(visits)
    VisitEvent.objects.bulk_create(
        VisitEvent(visit=visit, kind=VisitEvent.Kind.REGISTERED, actor=actor.label) for visit in visits
    )
    visits[0].code = code
    visit_registered.send(sender=Visit, visit=visits[0])  # one invitation for the whole series
    return visits[0]


@transaction.atomic
def registration_store(*, registration: Registration, actor: Actor) -> Visit:
    """Register what a pre-registration describes (portal, bulk import, API) for the company's person with this
    e-mail address (the known one, completed, never overwritten; or a new one): one visit, or a series when
    `registration.series` says so. Returns the visit, or the series' first day."""
    visitor = visitor_find_or_create(details=registration.visitor).visitor
    if registration.series is None:
        return visit_register(
            visitor=visitor, host=registration.host, expected_start=registration.expected_start,
            expected_end=registration.expected_end, purpose=registration.purpose, actor=actor,
        )  # fmt: skip
    return visit_series_register(
        visitor=visitor, host=registration.host, expected_start=registration.expected_start,
        expected_end=registration.expected_end, pattern=registration.series, purpose=registration.purpose,
        actor=actor,
    )  # fmt: skip


@transaction.atomic
def registrations_store_all(*, registrations: list[Registration], actor: Actor) -> list[Visit]:
    """Register every visit or series of a bulk import, or none: one failure rolls back the whole batch."""
    return [registration_store(registration=registration, actor=actor) for registration in registrations]


@transaction.atomic
def visit_series_cancel_rest(*, visit: Visit, actor: Actor) -> list[Visit]:
    """Cancel this day of a series and every later day still expected; days already begun or ended stay. The
    visitor gets one message listing the days cancelled (a calendar file with them excluded)."""
    if visit.series_id is None:
        raise VisitStateError(_("This visit is not part of a series."))
    rest = Visit.objects.select_for_update().filter(pk__in=[day.pk for day in series_days_from(visit)])
    cancelled = [cancel_one(day, actor) for day in rest.order_by("expected_start")]
    if not cancelled:
        raise VisitStateError(_("No day of this series from this one on is still expected."))
    visit_cancelled.send(sender=Visit, visit=cancelled[0])  # one message for all of them
    return cancelled
