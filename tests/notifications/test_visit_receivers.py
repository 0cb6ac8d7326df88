"""Visits announce their changes (tenant_apps/visits/signals.py) and never import notifications; notifications
writes the deliveries through the receivers it connects in AppConfig.ready(), inside the visit's transaction."""

import pytest
from django.db import transaction

from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.visit_receivers import visit_receivers_connect
from tenant_apps.visits.models import Visit
from tenant_apps.visits.services import visit_cancel
from tests.notifications.conftest import ADMIN, register


def test_connected_again_each_delivery_is_still_written_once(in_acme):
    visit_receivers_connect()  # as a second AppConfig.ready() would
    visit = register()
    visit_cancel(visit=visit, actor=ADMIN)
    kinds = sorted(Delivery.objects.filter(visit=visit).values_list("kind", flat=True))
    assert kinds == [Delivery.Kind.CANCELLATION, Delivery.Kind.INVITATION]


def test_the_delivery_is_written_in_the_visits_transaction(in_acme):
    before = Delivery.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        visit = register()
        assert Delivery.objects.filter(visit=visit).count() == 1  # written with the visit, before any commit
        raise RuntimeError("the visit's change fails after it")
    assert Delivery.objects.count() == before and not Visit.objects.filter(pk=visit.pk).exists()


def test_a_walk_in_gets_no_invitation(in_acme):
    visit = register(channel=Visit.Channel.KIOSK)
    assert not Delivery.objects.filter(visit=visit).exists()
