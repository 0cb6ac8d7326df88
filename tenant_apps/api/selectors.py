"""Reads of the company API, in the schema of the current host."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from tenant_apps.visits.models import Visit


def visits_filtered(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    state: str | None = None,
    host: int | None = None,
    series: int | None = None,
) -> QuerySet[Visit]:
    """The company's visits by expected arrival day (in the site's time zone), state, host and series, newest first."""
    visits = Visit.objects.select_related("visitor", "series").order_by("-expected_start", "-id")
    if date_from:
        visits = visits.filter(expected_start__gte=timezone.make_aware(dt.datetime.combine(date_from, dt.time.min)))
    if date_to:  # up to the day's last instant, not the next midnight: 9999-12-31 has no next day
        visits = visits.filter(expected_start__lte=timezone.make_aware(dt.datetime.combine(date_to, dt.time.max)))
    if state:
        visits = visits.filter(state=state)
    if host:
        visits = visits.filter(host_id=host)
    if series:
        visits = visits.filter(series_id=series)
    return visits
