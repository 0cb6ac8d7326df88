"""The company's retention period: its bounds, its forecast, and the one way to change it."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from tenant_apps.visits.models import CompanySettings, Visit, Visitor
from tenant_apps.visits.selectors import company_settings


def retention_bounds() -> tuple[int, int]:
    """The platform's lowest and highest allowed retention, in days."""
    return settings.CHECKIN_RETENTION_MIN_DAYS, settings.CHECKIN_RETENTION_MAX_DAYS


def retention_cutoff(*, retention_days: int, now: dt.datetime | None = None) -> dt.datetime:
    """Visits whose end is before this moment are due for deletion."""
    return (now or timezone.now()) - dt.timedelta(days=retention_days)


def visits_ending_before(cutoff: dt.datetime) -> QuerySet[Visit]:
    """Visits whose end (check-out, else the planned end of a visit that never happened) is before `cutoff`.

    A visitor still on site is never due, however old the visit. A day of a multi-day visit is due only with its
    whole series: retention counts from the series' last day (tenant_apps/visits/series.py).
    """
    series_goes_on = (
        Visit.objects.filter(series_id=OuterRef("series_id"))
        .annotate(ended_at=Coalesce("checked_out_at", "expected_end"))
        .filter(Q(state=Visit.State.ON_SITE) | Q(ended_at__gte=cutoff))
    )
    return (
        Visit.objects.exclude(state=Visit.State.ON_SITE)
        .annotate(ended_at=Coalesce("checked_out_at", "expected_end"))
        .filter(ended_at__lt=cutoff)
        .exclude(Exists(series_goes_on))
    )


def visitors_left_without_visits(cutoff: dt.datetime) -> QuerySet[Visitor]:
    """Visitors who have no visit that would survive a purge at `cutoff`."""
    kept = Visit.objects.filter(visitor=OuterRef("pk")).exclude(pk__in=visits_ending_before(cutoff).values("pk"))
    return Visitor.objects.filter(~Exists(kept))


@dataclass(frozen=True)
class PurgeForecast:
    retention_days: int
    next_run_at: dt.datetime
    visits: int  # deleted by the next run
    visitors: int
    next_due_at: dt.datetime | None  # when the next visit after that run falls due


def next_purge_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next daily purge, as scheduled in CELERY_BEAT_SCHEDULE (03:00 local time)."""
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=3, minute=0, second=0, microsecond=0)
    return run if run > local else run + dt.timedelta(days=1)


def purge_forecast(*, retention_days: int | None = None, now: dt.datetime | None = None) -> PurgeForecast:
    """What the next purge will delete with the current (or a proposed) retention period."""
    days = company_settings().retention_days if retention_days is None else retention_days
    run = next_purge_run(now)
    cutoff = retention_cutoff(retention_days=days, now=run)
    later = (
        Visit.objects.exclude(state=Visit.State.ON_SITE)
        .annotate(ended_at=Coalesce("checked_out_at", "expected_end"))
        .filter(ended_at__gte=cutoff)
        .order_by("ended_at")
        .values_list("ended_at", flat=True)
        .first()
    )
    return PurgeForecast(
        retention_days=days,
        next_run_at=run,
        visits=visits_ending_before(cutoff).count(),
        visitors=visitors_left_without_visits(cutoff).count(),
        next_due_at=later + dt.timedelta(days=days) if later else None,
    )


def _validate(days: int) -> None:
    low, high = retention_bounds()
    if not low <= days <= high:
        raise ValidationError(
            {"retention_days": _("Choose between %(low)d and %(high)d days.") % {"low": low, "high": high}}
        )


@transaction.atomic
def retention_update(*, retention_days: int, user: User, request: HttpRequest | None = None) -> CompanySettings:
    """Set the company's retention period within the platform bounds; every change is audited with old and new."""
    _validate(retention_days)
    current = CompanySettings.objects.select_for_update().filter(pk=company_settings().pk).get()
    old = current.retention_days
    if old == retention_days:
        return current
    current.retention_days = retention_days
    current.save(update_fields=["retention_days", "updated_at"])
    audit_record(
        actor=user.email, action="retention.update", request=request,
        object_ids={"user": [user.pk]}, details={"old": old, "new": retention_days},
    )  # fmt: skip
    return current


def retention_default_apply(*, retention_days: int) -> CompanySettings:
    """Give a new company's settings the building's default retention (clamped to the platform bounds)."""
    low, high = retention_bounds()
    current = company_settings()
    current.retention_days = min(max(retention_days, low), high)
    current.save(update_fields=["retention_days", "updated_at"])
    return current


def is_shortening(*, retention_days: int) -> bool:
    return retention_days < company_settings().retention_days
