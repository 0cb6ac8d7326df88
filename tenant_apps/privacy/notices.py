"""Warning a company's admins before the purge deletes visits."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from tenant_apps.privacy.mail import admins_notify, company_admins, portal_link
from tenant_apps.privacy.models import PurgeNotice
from tenant_apps.privacy.retention import next_purge_run, visits_ending_before
from tenant_apps.visits.models import Visit
from tenant_apps.visits.selectors import company_settings


def _first_end(*, after: dt.datetime | None) -> dt.datetime | None:
    visits = Visit.objects.exclude(state=Visit.State.ON_SITE).annotate(
        ended_at=Coalesce("checked_out_at", "expected_end")
    )
    if after is not None:
        visits = visits.filter(ended_at__gt=after)
    return visits.order_by("ended_at").values_list("ended_at", flat=True).first()


@transaction.atomic
def purge_notice_send(*, now: dt.datetime | None = None) -> PurgeNotice | None:
    """E-mail the admins once when visits will fall due within CHECKIN_PURGE_WARNING_DAYS: how many, and when.

    A notice covers every visit falling due up to its horizon; the next one goes
    out only when a visit falling due after that horizon comes within the window.
    """
    now = now or timezone.now()
    retention = dt.timedelta(days=company_settings().retention_days)
    covered = PurgeNotice.objects.aggregate(until=Max("covers_until"))["until"]
    first_end = _first_end(after=covered - retention if covered else None)
    horizon = now + dt.timedelta(days=settings.CHECKIN_PURGE_WARNING_DAYS)
    if first_end is None or first_end + retention > horizon:
        return None
    first_due = first_end + retention
    if not company_admins():
        return None
    count = visits_ending_before(horizon - retention).count()
    deletion_at = next_purge_run(max(first_due, now))
    sent = admins_notify(
        template="purge_notice",
        context={
            "count": count, "deletion_at": deletion_at, "horizon": horizon, "retention_days": retention.days,
            "export_url": portal_link("privacy:exports"), "retention_url": portal_link("privacy:retention"),
        },
    )  # fmt: skip
    return PurgeNotice.objects.create(
        first_due_at=deletion_at, covers_until=horizon, visit_count=count, recipient_count=sent
    )
