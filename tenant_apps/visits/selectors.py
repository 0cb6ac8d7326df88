"""Reads of a company's visits. They run in the schema of the current host."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from tenant_apps.visits.models import CompanySettings, Visit


def company_settings() -> CompanySettings:
    """The current company's settings row, created with defaults on first use."""
    settings, _ = CompanySettings.objects.get_or_create(pk=1)
    return settings


def visits_on_day(*, day: dt.date) -> QuerySet[Visit]:
    """Visits expected, on site or ended on `day`, in the current company's schema."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    return Visit.objects.select_related("visitor", "host").filter(expected_start__lt=end, expected_end__gte=start)
