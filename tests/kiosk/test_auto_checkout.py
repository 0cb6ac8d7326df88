"""At each building's auto check-out time, visits still on site are closed; hosts can be reminded before."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.kiosk.autocheckout import auto_checkout_run, building_auto_checkout, building_auto_checkout_remind
from tenant_apps.kiosk.models import KioskSettings
from tenant_apps.visits.models import Host, Visit
from tenant_apps.visits.services import Actor, visit_check_in
from tests.kiosk.conftest import invite, visit_in

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def _on_site(company: Tenant, first: str, at: dt.datetime, host: str | None = None) -> Visit:
    visit = invite(company, first=first, last="Late", day=at.date())
    with tenant_context(company):
        if host:
            Visit.objects.filter(pk=visit.pk).update(host=Host.objects.get(name=host))
        visit_check_in(visit=visit, actor=Actor(label="test", channel="desk"))
        Visit.objects.filter(pk=visit.pk).update(checked_in_at=at)
    return visit


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


def test_it_closes_visits_still_on_site_at_the_buildings_time(tower, acme, globex, initech):
    today = dt.date.today()
    early = _on_site(acme, "Early", _local(today, 9))
    other = _on_site(globex, "Other", _local(today, 11))
    late = _on_site(acme, "Night", _local(today, 20, 30))
    elsewhere = _on_site(initech, "Harbour", _local(today, 9))
    Building.objects.filter(slug="harbour").update(auto_checkout_time=dt.time(22, 0))

    assert building_auto_checkout(building=tower, now=_local(today, 19, 59)) == 0
    closed = auto_checkout_run(now=_local(today, 20, 5))
    assert closed["tower"] >= 2 and closed["harbour"] == 0
    for company, visit in ((acme, early), (globex, other)):
        visit = visit_in(company, visit.pk)
        assert visit.state == Visit.State.LEFT and visit.auto_checked_out
    assert visit_in(acme, late.pk).state == Visit.State.ON_SITE  # arrived after the cutoff
    assert visit_in(initech, elsewhere.pk).state == Visit.State.ON_SITE  # harbour closes at 22:00
    assert auto_checkout_run(now=_local(today, 20, 10))["tower"] == 0  # running again changes nothing
    assert auto_checkout_run(now=_local(today + dt.timedelta(days=1), 20, 1))["tower"] >= 1  # the late one


def test_the_morning_after_it_closes_yesterdays_forgotten_visits(tower, acme):
    yesterday = dt.date.today() - dt.timedelta(days=1)
    visit = _on_site(acme, "Forgot", _local(yesterday, 15))
    building_auto_checkout(building=tower, now=_local(dt.date.today(), 8))
    assert visit_in(acme, visit.pk).auto_checked_out


def test_hosts_get_one_reminder_thirty_minutes_before(tower, globex, tower_reception):
    today = dt.date.today()
    _on_site(globex, "Remy", _local(today, 10), host="Lena Schmidt")
    assert building_auto_checkout_remind(building=tower, now=_local(today, 19, 0)) == 0
    assert building_auto_checkout_remind(building=tower, now=_local(today, 19, 35)) >= 1
    reminders = [m for m in mail.outbox if "Remy" in m.body]
    assert len(reminders) == 1 and reminders[0].to == ["lena@globex.example"]
    assert building_auto_checkout_remind(building=tower, now=_local(today, 19, 45)) == 0
    assert len([m for m in mail.outbox if "Remy" in m.body]) == 1


def test_the_reminder_is_optional_per_building(tower, globex, tower_reception):
    today = dt.date.today()
    _on_site(globex, "Quiet", _local(today, 10), host="Lena Schmidt")
    with tenant_context(tower_reception):
        KioskSettings.objects.update_or_create(pk=1, defaults={"remind_hosts_before_auto_checkout": False})
    assert building_auto_checkout_remind(building=tower, now=_local(today, 19, 40)) == 0
    assert not [m for m in mail.outbox if "Quiet" in m.body]


def test_the_desk_turns_the_reminder_off(tower_desk, tower_reception):
    assert tower_desk.post("/desk/kiosks/options/", {}).status_code == 302
    with tenant_context(tower_reception):
        assert KioskSettings.objects.get(pk=1).remind_hosts_before_auto_checkout is False


def test_the_command_and_the_beat_schedule_run_it(tower):
    from io import StringIO

    out = StringIO()
    call_command("kiosk_auto_checkout", "--building", "tower", stdout=out)
    assert out.getvalue().startswith("tower: ")
    entry = settings.CELERY_BEAT_SCHEDULE["kiosk-auto-checkout"]
    from checkin.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscovery finds the task
    assert entry["task"] in app.tasks
    assert "tower" in app.tasks[entry["task"]].apply().get()
