"""The warning before deletion goes out once, to the admins, with the right count and date."""

import datetime as dt

import time_machine
from django.core import mail
from django_tenants.utils import tenant_context

from tenant_apps.privacy.notices import purge_notice_send
from tenant_apps.privacy.tasks import purge_notices_all_task
from tests.privacy.conftest import NOW, person, set_retention, visit

DAY = dt.timedelta(days=1)


def test_the_warning_goes_out_once_with_the_count_and_the_date(acme, frozen):
    with tenant_context(acme):
        set_retention(30)
        someone = person()
        for days in (20, 19, 18):  # fall due in 10, 11 and 12 days: inside the 14-day warning
            visit(someone, ended=frozen.now - days * DAY)
        visit(someone, ended=frozen.now - 5 * DAY)  # due in 25 days: not yet
        notice = purge_notice_send()
        assert purge_notice_send() is None
    assert notice is not None and notice.visit_count == 3
    [message] = mail.outbox
    assert message.to == ["admin@acme.example"]
    assert "3 visits will be deleted soon" in message.subject
    # The first visit falls due on 25 June 12:00; the nightly run at 03:00 on the 26th deletes it.
    assert "From 26 June 2026" in message.body and "3 visits will have been deleted" in message.body
    assert "http://acme.localhost:8000/privacy/exports/" in message.body
    assert "Vandenberghe" not in message.body


def test_nothing_goes_out_before_the_warning_window_and_a_later_wave_gets_its_own(acme):
    with time_machine.travel(NOW, tick=False), tenant_context(acme):
        set_retention(30)
        visit(person(), ended=NOW - 10 * DAY)  # due at NOW + 20 days
        visit(person(email="later@example.org"), ended=NOW + 5 * DAY)  # due at NOW + 35 days
        assert purge_notice_send() is None
    assert mail.outbox == []
    with time_machine.travel(NOW + 7 * DAY, tick=False), tenant_context(acme):
        first = purge_notice_send()
        assert first is not None and first.visit_count == 1  # window up to NOW + 21 days
    with time_machine.travel(NOW + 8 * DAY, tick=False), tenant_context(acme):
        assert purge_notice_send() is None
    with time_machine.travel(NOW + 22 * DAY, tick=False), tenant_context(acme):
        second = purge_notice_send()  # the later visit is now within 14 days; the first one was never purged here
    assert second is not None and second.visit_count == 2
    assert len(mail.outbox) == 2


def test_the_daily_task_warns_every_company_once(acme, frozen, eager):
    with tenant_context(acme):
        set_retention(30)
        visit(person(), ended=frozen.now - 20 * DAY)
    purge_notices_all_task.delay().get()
    purge_notices_all_task.delay().get()
    assert [m.to for m in mail.outbox] == [["admin@acme.example"]]
