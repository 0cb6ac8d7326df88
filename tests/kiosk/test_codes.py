"""Invitation and badge codes: single use, valid on their day, same answer for other buildings, throttled."""

import datetime as dt
import re

from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.tenancy.models import Tenant
from tenant_apps.visits.models import Visit
from tests.kiosk.conftest import check_out, choose_language, invite, invited_check_in, visit_in

UNKNOWN = "We do not recognise this code"


def _without_csrf(body: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)


def _problem(response) -> str:
    page = response.content.decode()
    start = page.find('class="kiosk-problem"')
    return page[start : page.find("</p>", start)] if start >= 0 else ""


def test_an_invited_visitor_confirms_only_first_name_and_company_then_is_on_site(kiosk_tower, acme):
    visit = invite(acme, first="Ines", last="Invited-Surname", company_name="Inco", email="ines@inco.example")
    choose_language(kiosk_tower)
    confirm = kiosk_tower.post("/kiosk/invitation/", {"code": visit.code.lower()}, follow=True)
    page = confirm.content.decode()
    assert confirm.redirect_chain[-1][0] == "/kiosk/invitation/confirm/"
    assert "Ines" in page and "Acme Logistics" in page
    assert "Invited-Surname" not in page and "Inco" not in page and "ines@inco.example" not in page
    done = kiosk_tower.post("/kiosk/invitation/confirm/", {"accept_notice": "on"}, follow=True)
    assert done.redirect_chain[-1][0] == "/kiosk/done/"
    visit = visit_in(acme, visit.pk)
    assert visit.state == Visit.State.ON_SITE and visit.consent_notice_version


def test_an_invitation_code_checks_in_once(kiosk_tower, acme):
    visit = invite(acme, first="Uma", last="Once")
    invited_check_in(kiosk_tower, visit.code)
    again = invited_check_in(kiosk_tower, visit.code)
    assert "This code has already been used." in _problem(again[1])
    assert visit_in(acme, visit.pk).state == Visit.State.ON_SITE


def test_a_code_is_valid_on_its_visit_day_only(kiosk_tower, acme):
    yesterday = invite(acme, first="Yara", last="Late", day=timezone.localdate() - dt.timedelta(days=1))
    tomorrow = invite(acme, first="Tim", last="Early", day=timezone.localdate() + dt.timedelta(days=1))
    for visit in (yesterday, tomorrow):
        response = invited_check_in(kiosk_tower, visit.code)[1]
        assert "not valid today" in _problem(response)
        assert visit_in(acme, visit.pk).state == Visit.State.EXPECTED


def test_a_code_of_another_building_answers_exactly_like_an_unknown_code(kiosk_tower, initech):
    foreign = invite(initech, first="Hank", last="Harbour")
    choose_language(kiosk_tower)
    other = kiosk_tower.post("/kiosk/invitation/", {"code": foreign.code})
    unknown = kiosk_tower.post("/kiosk/invitation/", {"code": "ZZZZ9999"})
    assert other.status_code == unknown.status_code == 200
    assert UNKNOWN in _problem(other)
    assert _without_csrf(other.content) == _without_csrf(unknown.content)
    assert "Hank" not in other.content.decode()
    out = kiosk_tower.post("/kiosk/check-out/", {"code": foreign.code})
    assert UNKNOWN in _problem(out)
    assert visit_in(initech, foreign.pk).state == Visit.State.EXPECTED


def test_a_cancelled_invitation_is_unknown(kiosk_tower, acme):
    from django_tenants.utils import tenant_context

    from tenant_apps.visits.services import Actor, visit_cancel

    visit = invite(acme, first="Cleo", last="Cancelled")
    with tenant_context(acme):
        visit_cancel(visit=visit, actor=Actor(label="test", channel="desk"))
    assert UNKNOWN in _problem(invited_check_in(kiosk_tower, visit.code)[1])


def test_guessing_codes_is_throttled_per_device(kiosk_tower, acme, client_for, tower):
    visit = invite(acme, first="Gus", last="Guessed")
    choose_language(kiosk_tower)
    for index in range(10):
        kiosk_tower.post("/kiosk/invitation/", {"code": f"WRNG{index:04d}"})
    response = kiosk_tower.post("/kiosk/invitation/", {"code": visit.code})
    assert "Too many attempts" in _problem(response)
    assert "Guessed" not in response.content.decode()  # the name, not "Gus": a random CSRF token may hold that
    # Another kiosk of the same building is not blocked.
    from tests.kiosk.conftest import kiosk_client, pair_device

    other = kiosk_client(client_for, tower, pair_device(tower, "Second")[1])
    choose_language(other)
    assert other.post("/kiosk/invitation/", {"code": visit.code})["Location"] == "/kiosk/invitation/confirm/"


def test_one_code_cannot_be_tried_over_and_over(kiosk_tower, acme):
    visit = invite(acme, first="Pia", last="Peek")
    choose_language(kiosk_tower)
    for _ in range(5):
        assert kiosk_tower.post("/kiosk/invitation/", {"code": visit.code}).status_code == 302
    assert "Too many attempts" in _problem(kiosk_tower.post("/kiosk/invitation/", {"code": visit.code}))


def test_check_out_by_badge_code_then_the_code_is_used(kiosk_tower, acme):
    visit = invite(acme, first="Otto", last="Out")
    code = visit.code  # the clear code exists only on the instance that made it
    invited_check_in(kiosk_tower, code)
    done = check_out(kiosk_tower, code)[1]
    assert done.redirect_chain[-1][0] == "/kiosk/done/" and "You are checked out" in done.content.decode()
    visit = visit_in(acme, visit.pk)
    assert visit.state == Visit.State.LEFT and not visit.auto_checked_out
    assert "already been used" in _problem(check_out(kiosk_tower, code)[1])
    assert "already been used" in _problem(invited_check_in(kiosk_tower, code)[1])


def test_an_expected_visit_cannot_be_checked_out(kiosk_tower, acme):
    visit = invite(acme, first="Eli", last="Expected")
    assert UNKNOWN in _problem(check_out(kiosk_tower, visit.code)[1])
    assert visit_in(acme, visit.pk).state == Visit.State.EXPECTED


def test_a_suspended_companys_codes_are_unknown(kiosk_tower, acme):
    visit = invite(acme, first="Sam", last="Suspended")
    Tenant.objects.filter(pk=acme.pk).update(status=Tenant.Status.SUSPENDED)
    assert UNKNOWN in _problem(invited_check_in(kiosk_tower, visit.code)[1])


def test_throttle_keys_hold_the_schema_and_device_but_no_visitor_data(kiosk_tower, globex, tower_device):
    from django.db import connection

    from tests.kiosk.conftest import walk_in

    walk_in(kiosk_tower, globex, first_name="Keyser", last_name="Soze", email="keyser@example.org")
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/invitation/", {"code": "NOPE2345"})
    with connection.cursor() as cursor:  # the counters every web process shares
        cursor.execute("SELECT key FROM public.rate_counter")
        keys = [row[0] for row in cursor.fetchall()]
    assert f"kiosk:tower:code-fail:{tower_device[0].pk}" in keys
    assert f"kiosk:tower:walk-in:{tower_device[0].pk}" in keys
    assert not [key for key in keys if "Keyser" in key or "keyser" in key or "NOPE2345" in key]


def test_finding_a_code_costs_the_same_few_queries_however_many_companies_the_building_has(
    tower, globex, django_assert_max_num_queries
):
    """The desk view says which company holds the code in one query; only that company's schema is then read."""
    from tenant_apps.kiosk.selectors import visit_by_code

    visit = invite(globex, first="Ivy", last="Invitee")  # Globex comes after Acme: Acme's schema is not read
    reception = Tenant.objects.get(building=tower, type=Tenant.Type.RECEPTION)
    with tenant_context(reception):
        with django_assert_max_num_queries(4):  # the view, the company, its reachability, the visit
            found = visit_by_code(building=tower, code=visit.code)
        assert found is not None and (found.company.pk, found.visit.pk) == (globex.pk, visit.pk)
        with django_assert_max_num_queries(1):
            assert visit_by_code(building=tower, code="NOSUCHCODE") is None
