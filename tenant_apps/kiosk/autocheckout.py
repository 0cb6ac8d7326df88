"""End of day: visits still on site are closed at the building's auto check-out time.

Each building has its own time (local to the building). A run closes every
on-site visit that checked in before the latest past cutoff, in each company
schema of the building, so running it every few minutes, or by hand, is safe.
Thirty minutes before the cutoff the hosts of those visitors can get one e-mail.
"""

import datetime as dt
import zoneinfo
from collections import defaultdict

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tenants.utils import tenant_context

from shared_apps.audit.services import audit_record
from shared_apps.database.every_schema import in_every_schema
from shared_apps.tenancy.models import Building, Tenant
from shared_apps.tenancy.selectors import companies_maintained
from tenant_apps.kiosk.models import AutoCheckoutReminder
from tenant_apps.kiosk.selectors import kiosk_settings
from tenant_apps.visits.models import Visit
from tenant_apps.visits.services import Actor, VisitStateError, undecided_expire, visit_check_out

REMINDER_BEFORE = dt.timedelta(minutes=30)


def latest_cutoff(*, building: Building, now: dt.datetime) -> dt.datetime:
    """The most recent moment, at or before `now`, when the building's auto check-out time struck."""
    zone = zoneinfo.ZoneInfo(building.timezone)
    local = timezone.localtime(now, zone)
    today = dt.datetime.combine(local.date(), building.auto_checkout_time, tzinfo=zone)
    return (
        today
        if today <= local
        else dt.datetime.combine(local.date() - dt.timedelta(days=1), building.auto_checkout_time, tzinfo=zone)
    )


def next_cutoff(*, building: Building, now: dt.datetime) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(building.timezone)
    latest = latest_cutoff(building=building, now=now)
    return dt.datetime.combine(latest.date() + dt.timedelta(days=1), building.auto_checkout_time, tzinfo=zone)


def building_auto_checkout(*, building: Building, now: dt.datetime | None = None) -> int:
    """Close the visits of `building` still on site that checked in before the latest cutoff; return how many."""
    now = now or timezone.now()
    cutoff = latest_cutoff(building=building, now=now)
    actor = Actor(label=f"auto-checkout:{building.slug}", channel=Visit.Channel.KIOSK)

    def close(company: Tenant) -> int:
        in_company = 0
        for visit in Visit.objects.filter(state=Visit.State.ON_SITE, checked_in_at__lt=cutoff):
            try:
                visit_check_out(visit=visit, actor=actor, automatic=True)
            except VisitStateError:  # checked out by someone else meanwhile
                continue
            in_company += 1
        if in_company:
            audit_record(actor=actor.label, action="visit.auto_check_out", details={"count": in_company})
        return in_company

    return sum(closed for _, closed in in_every_schema(companies_maintained(building=building), close))


def building_undecided_expire(*, building: Building, now: dt.datetime | None = None) -> int:
    """End as declined the building's walk-ins left undecided: waiting past their company's approval timeout, or
    held by the desk since before the latest auto check-out time (tenant_apps/visits/services.py); how many."""
    now = now or timezone.now()
    cutoff = latest_cutoff(building=building, now=now)
    actor = Actor(label=f"approval-timeout:{building.slug}", channel=Visit.Channel.KIOSK)

    def expire(company: Tenant) -> int:
        return undecided_expire(now=now, held_before=cutoff, actor=actor)

    return sum(ended for _, ended in in_every_schema(companies_maintained(building=building), expire))


def building_auto_checkout_remind(*, building: Building, now: dt.datetime | None = None) -> int:
    """Within 30 minutes of the cutoff, e-mail each host with visitors on site once per day; return hosts e-mailed."""
    now = now or timezone.now()
    cutoff = next_cutoff(building=building, now=now)
    if not cutoff - REMINDER_BEFORE <= now < cutoff:
        return 0
    reception = Tenant.objects.filter(building=building, type=Tenant.Type.RECEPTION).first()
    if reception is None:
        return 0
    with tenant_context(reception):
        if not kiosk_settings().remind_hosts_before_auto_checkout:
            return 0
        try:
            with transaction.atomic():
                reminder = AutoCheckoutReminder.objects.create(day=cutoff.date())
        except IntegrityError:  # already sent today
            return 0

    def remind(company: Tenant) -> int:
        by_host: dict[str, list[Visit]] = defaultdict(list)
        on_site = Visit.objects.select_related("visitor", "host").filter(state=Visit.State.ON_SITE, host__isnull=False)
        for visit in on_site:
            if visit.host is not None and visit.host.email:
                by_host[visit.host.email].append(visit)
        for email, visits in by_host.items():
            with translation.override(visits[0].visitor.language or "en"):
                context = {"visits": visits, "cutoff": cutoff.time(), "company": company, "building": building}
                send_mail(
                    subject=render_to_string("kiosk/email/reminder_subject.txt", context).strip(),
                    message=render_to_string("kiosk/email/reminder.txt", context),
                    from_email=None,
                    recipient_list=[email],
                )
        return len(by_host)

    hosts = sum(reminded for _, reminded in in_every_schema(companies_maintained(building=building), remind))
    with tenant_context(reception):
        AutoCheckoutReminder.objects.filter(pk=reminder.pk).update(hosts=hosts)
    return hosts


def auto_checkout_run(*, now: dt.datetime | None = None, building_slug: str | None = None) -> dict[str, int]:
    """Remind and close for every building (or one): {building slug: visits closed}."""
    buildings = Building.objects.filter(archived_at__isnull=True)
    if building_slug:
        buildings = buildings.filter(slug=building_slug)
    closed: dict[str, int] = {}
    for building in buildings:
        building_auto_checkout_remind(building=building, now=now)
        building_undecided_expire(building=building, now=now)
        closed[building.slug] = building_auto_checkout(building=building, now=now)
    return closed
