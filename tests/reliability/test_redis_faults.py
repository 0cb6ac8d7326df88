"""Redis killed, frozen (SIGSTOP) or full while visitors check in: each check-in is stored within two seconds,
its host's e-mail waits in the outbox, and is sent exactly once when Redis is back.

In-process, through the visit services and the real publishing helper, against a redis-server of the test's
own. (Against gunicorn and a worker, the same path: tests/reliability/test_deliveries_database_restart.py
runs the real worker, test_web_redis_faults.py gunicorn and a worker under these faults; /readyz and /healthz
under the same faults: test_broker_down.py.)
"""

import datetime as dt
import time

import pytest
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
from tests.reliability.services import REDIS_FAULTS

KIOSK = Actor(label="kiosk:tower:1", channel=Visit.Channel.KIOSK)


@pytest.mark.parametrize("fault", REDIS_FAULTS)
def test_check_ins_are_stored_at_once_and_notified_exactly_once_after_redis_is_back(
    acme, broker, django_capture_on_commit_callbacks, fault
):
    with tenant_context(acme):
        host = Host.objects.filter(email__gt="", is_active=True).first()
        assert host is not None
        host.notify_by = Host.Notify.EMAIL
        host.save()
        go_wrong, come_back = REDIS_FAULTS[fault]
        go_wrong(broker)
        visits, slowest = [], 0.0
        for number in range(3):
            started = time.monotonic()
            with django_capture_on_commit_callbacks(execute=True):
                visitor = Visitor.objects.create(first_name="Rita", last_name=f"Redis {number}", language="en")
                now = timezone.now()
                visit = visit_register(visitor=visitor, host=host, expected_start=now,
                                       expected_end=now + dt.timedelta(hours=1), purpose="", actor=KIOSK)  # fmt: skip
                visit_check_in(visit=visit, actor=KIOSK, notice_version="en:1")
            slowest = max(slowest, time.monotonic() - started)
            visits.append(visit)
        assert slowest < 2.0, f"a check-in waited {slowest:.1f} s on Redis"
        deliveries = Delivery.objects.filter(visit__in=visits, kind=Delivery.Kind.HOST_EMAIL)
        assert deliveries.count() == 3
        assert set(deliveries.values_list("status", "enqueued_at")) == {("pending", None)}  # in the outbox

        come_back(broker)
        publishing_resume()  # skip the 5 s this process stops publishing after a failure (the sweep runs later)
        assert outbox_sweep(older_than=dt.timedelta(0)) == 3
        queue = redis.Redis.from_url(broker.url)
        assert queue.llen("celery") == 3
        mail.outbox.clear()
        for delivery in deliveries:  # what the worker does with them, twice over: sent once
            assert deliver.apply((delivery.pk,)).get() == "sent"
            assert deliver.apply((delivery.pk,)).get() == "sent"
    assert sorted(message.to[0] for message in mail.outbox) == [host.email] * 3
