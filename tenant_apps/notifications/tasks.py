"""The one Celery task that sends a delivery, retried with exponential back-off.

Sent from inside the company's schema, so tenant-schemas-celery runs it there.
"""

from celery import Task
from django_tenants.utils import tenant_context

from checkin.celery import app
from shared_apps.tenancy.models import Tenant
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.services import DeliveryError, delivery_send, outbox_sweep

MAX_RETRIES = 5  # six tries in all: after about 30 s, 1, 2, 4 and 8 minutes (with jitter)


@app.task(
    bind=True,
    autoretry_for=(DeliveryError,),
    max_retries=MAX_RETRIES,
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    acks_late=True,
)
def deliver(self: Task, delivery_id: int) -> str:
    """Send one delivery; raise DeliveryError to be retried, until the last try marks it failed."""
    delivery = Delivery.objects.select_related("visit__visitor", "visit__host__user").filter(pk=delivery_id).first()
    if delivery is None:  # the visit was purged or erased meanwhile
        return "gone"
    if delivery.status == Delivery.Status.SENT:
        return "sent"
    final_try = self.request.retries >= MAX_RETRIES
    if delivery_send(delivery=delivery, final_try=final_try):
        return "sent"
    if final_try:
        return "failed"
    if self.request.is_eager:
        # Without a broker (and with eager errors propagated) Celery would raise its Retry to the
        # caller; try again in-process instead, without the back-off wait.
        return str(self.apply((delivery_id,), retries=self.request.retries + 1).get())
    raise DeliveryError(delivery.last_error)


@app.task(name="notifications.outbox_sweep_all")
def outbox_sweep_all() -> int:
    """Every minute (beat): hand the broker what it could not take when it was down, company by company."""
    companies = Tenant.objects.filter(
        type=Tenant.Type.COMPANY, status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED]
    ).order_by("pk")
    total = 0
    for company in companies.iterator(chunk_size=200):
        with tenant_context(company):
            total += outbox_sweep()
    return total
