"""Broker down: a check-in still succeeds and is stored; its host notification waits in the outbox
and is handed to the broker once it is back, exactly once. The sweep also hands over what the broker lost."""

import datetime as dt

import redis
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.operations.broker import publishing_resume
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.services import outbox_sweep
from tenant_apps.notifications.tasks import deliver
from tenant_apps.visits.models import Host, Visit, Visitor
from tenant_apps.visits.services import Actor, visit_check_in, visit_register
from tests.notifications.conftest import register
from tests.notifications.test_sending import TIMEOUT, age

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
        publishing_resume()  # this process skips the broker for 5 s after a failure: not what is tested here
        assert outbox_sweep(older_than=dt.timedelta(0)) == 1
        assert outbox_sweep(older_than=dt.timedelta(0)) == 0  # handed over once, not again
        assert redis.Redis.from_url(broker.url).llen("celery") == 1

        # What the worker does with it: send once; a repeated task sends nothing more.
        assert deliver.apply((delivery.pk,)).get() == "sent"
        assert deliver.apply((delivery.pk,)).get() == "sent"
    assert [message.to for message in mail.outbox] == [[host.email]]


def test_the_sweep_hands_over_what_is_lost_and_leaves_what_is_on_its_way(acme, broker, settings):
    settings.CHECKIN_DELIVERY_TIMEOUT_SECONDS = int(TIMEOUT.total_seconds())
    with tenant_context(acme):
        _sweep_in_acme(redis.Redis.from_url(broker.url))


def _sweep_in_acme(queue: redis.Redis) -> None:
    visit = register(channel=Visit.Channel.DESK)  # a walk-in: nothing queued by itself
    never_taken = Delivery.objects.create(visit=visit, kind=Delivery.Kind.INVITATION)
    age(never_taken, created_at=dt.timedelta(minutes=1))
    taken_and_lost = Delivery.objects.create(visit=visit, kind=Delivery.Kind.CANCELLATION)
    age(taken_and_lost, enqueued_at=TIMEOUT + dt.timedelta(seconds=1))
    on_its_way = Delivery.objects.create(visit=visit, kind=Delivery.Kind.RESCHEDULE)
    age(on_its_way, enqueued_at=dt.timedelta(seconds=10))
    claim_of_a_dead_worker = Delivery.objects.create(
        visit=visit, kind=Delivery.Kind.HOST_EMAIL, status=Delivery.Status.SENDING
    )
    age(claim_of_a_dead_worker, enqueued_at=TIMEOUT * 2, claimed_at=TIMEOUT + dt.timedelta(seconds=1))
    being_sent = Delivery.objects.create(visit=visit, kind=Delivery.Kind.HOST_EMAIL, status=Delivery.Status.SENDING)
    age(being_sent, enqueued_at=TIMEOUT * 2, claimed_at=dt.timedelta(seconds=5))
    sent = Delivery.objects.create(visit=visit, kind=Delivery.Kind.HOST_EMAIL, status=Delivery.Status.SENT)
    age(sent, enqueued_at=TIMEOUT * 2)

    assert outbox_sweep() == 3
    assert queue.llen("celery") == 3
    assert outbox_sweep() == 0  # just handed over: on their way now
    # The dead worker's claim is taken over by the task the sweep sent; the live one is left alone.
    mail.outbox.clear()
    assert deliver.apply((claim_of_a_dead_worker.pk,)).get() == "sent"
    assert deliver.apply((being_sent.pk,)).get() == "busy"
    assert len(mail.outbox) == 1
