"""Broker down: a check-in still succeeds and is stored; its host notification waits in the outbox
and is handed to the broker once it is back, exactly once."""

import datetime as dt

import redis
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.services import outbox_sweep
from tenant_apps.notifications.tasks import deliver
from tenant_apps.visits.models import Host, Visit, Visitor
from tenant_apps.visits.services import Actor, visit_check_in, visit_register

KIOSK = Actor(label="kiosk:tower:1", channel=Visit.Channel.KIOSK)


def test_a_check_in_with_the_broker_down_is_notified_once_it_is_back(acme, broker, django_capture_on_commit_callbacks):
    broker.stop()
    with tenant_context(acme):
        host = Host.objects.filter(email__gt="", is_active=True).first()
        assert host is not None
        host.notify_by = Host.Notify.EMAIL
        host.save()
        visitor = Visitor.objects.create(first_name="Bea", last_name="Broker", language="en")
        now = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            visit = visit_register(visitor=visitor, host=host, expected_start=now,
                                   expected_end=now + dt.timedelta(hours=1), purpose="", actor=KIOSK)  # fmt: skip
            visit_check_in(visit=visit, actor=KIOSK, notice_version="en:1")
        assert Visit.objects.get(pk=visit.pk).state == Visit.State.ON_SITE
        delivery = Delivery.objects.get(visit=visit, kind=Delivery.Kind.HOST_EMAIL)
        assert (delivery.status, delivery.enqueued_at) == (Delivery.Status.PENDING, None)

        broker.start()
        assert outbox_sweep(older_than=dt.timedelta(0)) == 1
        assert outbox_sweep(older_than=dt.timedelta(0)) == 0  # handed over once, not again
        assert redis.Redis.from_url(broker.url).llen("celery") == 1

        # What the worker does with it: send once; a repeated task sends nothing more.
        assert deliver.apply((delivery.pk,)).get() == "sent"
        assert deliver.apply((delivery.pk,)).get() == "sent"
    assert [message.to for message in mail.outbox] == [[host.email]]
