"""A kiosk walk-in of whose arrival no message reached anyone (no host, no reception or desk address, or the mail
failed) is marked on the desk's board, so the desk tells the company (issue #23); one that reached someone is not,
and no other building's desk sees either."""

import re

import pytest
from django.test import override_settings
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import Building
from tenant_apps.notifications.models import Delivery
from tenant_apps.visits.models import Host, Visit
from tests.kiosk.test_walk_in_reaches_someone import _settings, _walk_in

pytestmark = pytest.mark.usefixtures("eager")
MARK = "Nobody was told: tell the company"


def _wendy_row(desk) -> str:
    page = desk.get("/desk/").content.decode()
    rows = [row for row in re.findall(r"<tr data-visit=.*?</tr>", page, re.S) if "Walkin" in row]
    assert len(rows) == 1, rows
    return rows[0]


def test_a_walk_in_nobody_could_be_told_of_is_marked_on_the_board(
    kiosk_tower, globex, tower_desk, harbour_desk, django_capture_on_commit_callbacks
):
    _walk_in(kiosk_tower, globex, django_capture_on_commit_callbacks)  # no host, no address anywhere
    row = _wendy_row(tower_desk)
    assert 'data-unannounced="true"' in row and MARK in row
    with tenant_context(globex):
        assert Visit.objects.get(visitor__last_name="Walkin").arrival_unannounced
    assert "Walkin" not in harbour_desk.get("/desk/").content.decode()


def test_a_walk_in_whose_host_was_told_is_not_marked(
    kiosk_tower, globex, tower_desk, django_capture_on_commit_callbacks
):
    _settings(globex, show_hosts_on_kiosk=True)
    with tenant_context(globex):
        host = Host.objects.get(name="Lena Schmidt").pk
    _walk_in(kiosk_tower, globex, django_capture_on_commit_callbacks, host=host)
    with tenant_context(globex):
        assert Delivery.objects.get(visit__visitor__last_name="Walkin").status == Delivery.Status.SENT
    row = _wendy_row(tower_desk)
    assert "data-unannounced" not in row and MARK not in row


def test_a_walk_in_the_reception_was_told_of_is_not_marked(
    kiosk_tower, tower, globex, tower_desk, django_capture_on_commit_callbacks
):
    Building.objects.filter(pk=tower.pk).update(desk_email="desk@tower.example")
    _walk_in(kiosk_tower, globex, django_capture_on_commit_callbacks)
    assert MARK not in _wendy_row(tower_desk)


@override_settings(EMAIL_BACKEND="tests.notifications.failing_backend.RefusingBackend")
def test_a_walk_in_whose_mail_failed_is_marked(kiosk_tower, globex, tower_desk, django_capture_on_commit_callbacks):
    _settings(globex, reception_email="front@globex.example")
    _walk_in(kiosk_tower, globex, django_capture_on_commit_callbacks)
    with tenant_context(globex):
        assert Delivery.objects.get(visit__visitor__last_name="Walkin").status == Delivery.Status.FAILED
    row = _wendy_row(tower_desk)
    assert 'data-unannounced="true"' in row and MARK in row


def test_a_mark_goes_once_a_retried_message_is_sent(
    kiosk_tower, globex, tower_desk, django_capture_on_commit_callbacks
):
    from tenant_apps.notifications.sending import delivery_attempt

    _settings(globex, reception_email="front@globex.example")
    with override_settings(EMAIL_BACKEND="tests.notifications.failing_backend.RefusingBackend"):
        _walk_in(kiosk_tower, globex, django_capture_on_commit_callbacks)
    assert MARK in _wendy_row(tower_desk)
    with tenant_context(globex):
        delivery = Delivery.objects.get(visit__visitor__last_name="Walkin")
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.PENDING)  # the desk's "send again"
        assert delivery_attempt(delivery.pk) == "sent"
    assert MARK not in _wendy_row(tower_desk)
