"""Retention of a visit over several days counts from the series' last day: no day goes before the whole series."""

import datetime as dt

from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.privacy.purge import company_purge
from tenant_apps.privacy.retention import retention_cutoff, visits_ending_before
from tenant_apps.visits.models import Visit, VisitSeries
from tenant_apps.visits.series import visit_series_register
from tenant_apps.visits.services import Actor, SeriesPattern
from tests.privacy.conftest import person, set_retention

DAY = dt.timedelta(days=1)
STAFF = Actor(label="admin@acme.example", channel=Visit.Channel.INVITATION)


def _series(first: dt.date, last: dt.date, email: str) -> VisitSeries:
    start = timezone.make_aware(dt.datetime.combine(first, dt.time(9)))
    series = visit_series_register(
        visitor=person(email=email), host=None, expected_start=start, expected_end=start + dt.timedelta(hours=8),
        pattern=SeriesPattern(last_day=last, weekdays="1234567"), purpose="", actor=STAFF,
    ).series  # fmt: skip
    assert series is not None
    Visit.objects.filter(series=series).update(state=Visit.State.NO_SHOW)
    return series


def test_no_day_of_a_series_goes_before_its_last_day_is_past_the_retention(acme, frozen):
    today = timezone.localdate()
    with tenant_context(acme):
        set_retention(30)
        going_on = _series(today - 40 * DAY, today - 20 * DAY, "long@example.org")  # its first days are 40 days old
        over = _series(today - 70 * DAY, today - 35 * DAY, "over@example.org")
        cutoff = retention_cutoff(retention_days=30)
        assert not visits_ending_before(cutoff).filter(series=going_on).exists()
        assert visits_ending_before(cutoff).filter(series=over).count() == 36
        result = company_purge()
        assert result.visits == 36
        assert Visit.objects.filter(series=going_on).count() == 21
        assert not VisitSeries.objects.filter(pk=over.pk).exists()
        assert VisitSeries.objects.filter(pk=going_on.pk).exists()


def test_a_day_on_site_keeps_its_whole_series(acme, frozen):
    today = timezone.localdate()
    with tenant_context(acme):
        set_retention(30)
        series = _series(today - 70 * DAY, today - 40 * DAY, "stuck@example.org")
        Visit.objects.filter(series=series).order_by("expected_start").filter(
            pk=Visit.objects.filter(series=series).order_by("expected_start").values("pk")[:1]
        ).update(state=Visit.State.ON_SITE, checked_in_at=timezone.now())
        assert company_purge().visits == 0
        assert Visit.objects.filter(series=series).count() == 31
