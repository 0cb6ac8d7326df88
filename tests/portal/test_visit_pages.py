"""Today, upcoming, history (search, filters, pagination) and a visit's detail with its timeline."""

import re

from django_tenants.utils import tenant_context

from tenant_apps.visits.models import Visit, Visitor
from tenant_apps.visits.views import PAGE_SIZE
from tests.portal.conftest import FAR_ID, make_visit


def test_today_counts_and_groups_the_day(acme, world, acme_admin):
    with tenant_context(acme):
        Visit.objects.filter(pk=world.other_today.pk).update(state=Visit.State.ON_SITE)
    page = acme_admin.get("/")
    counts = page.context["counts"]
    assert counts["on_site"] >= 1 and counts["expected"] >= 1
    groups = {state: [v.pk for v in visits] for state, _, visits in page.context["groups"]}
    assert world.other_today.pk in groups["on_site"]
    assert world.own_today.pk in groups["expected"]
    assert all(world.own_future.pk not in pks for pks in groups.values())


def test_upcoming_lists_expected_visits_after_today_only(world, acme_admin):
    visits = list(acme_admin.get("/visits/upcoming/").context["page"].object_list)
    assert world.own_future in visits and world.other_future in visits
    assert world.own_today not in visits and world.other_past not in visits


def _history(client, **query) -> list[int]:
    assert client.post("/visits/history/", query).status_code == 302
    return [visit.pk for visit in client.get("/visits/history/").context["page"].object_list]


def test_history_searches_by_name_e_mail_and_code(world, acme_admin):
    assert world.other_past.pk in _history(acme_admin, q="bakker")
    assert world.other_past.pk not in _history(acme_admin, q="evers")
    assert world.own_today.pk in _history(acme_admin, q="eva@example")
    assert _history(acme_admin, q=world.own_future.code.lower()) == [world.own_future.pk]


def test_history_filters_by_state_host_and_dates(world, acme_admin):
    assert _history(acme_admin, q="bakker", state="left") == [world.other_past.pk]
    by_host = _history(acme_admin, host=world.member_host.pk)
    assert set(by_host) == {world.own_today.pk, world.own_future.pk}
    day = world.own_future.expected_start.date().isoformat()
    assert world.own_future.pk in _history(acme_admin, date_from=day, date_to=day)
    assert world.own_today.pk not in _history(acme_admin, date_from=day, date_to=day)


def test_the_search_stays_out_of_the_url_and_can_be_cleared(world, acme_admin):
    response = acme_admin.post("/visits/history/", {"q": "bakker"})
    assert response["Location"] == "/visits/history/"
    assert world.own_today.pk not in _history(acme_admin, q="bakker")
    assert world.own_today.pk in _history(acme_admin, q="bakker", clear="1")


def test_history_ignores_a_bad_filter_and_says_so(world, acme_admin):
    acme_admin.post("/visits/history/", {"date_from": "yesterday"})
    page = acme_admin.get("/visits/history/")
    assert page.status_code == 200
    assert "Some filters are not valid and were ignored." in page.content.decode()


def test_history_is_paginated_and_keeps_the_filters(acme, world, acme_admin):
    with tenant_context(acme):
        visitor = Visitor.objects.create(first_name="Pat", last_name="Pager", email="pat@example.org")
        for n in range(PAGE_SIZE + 2):
            make_visit(FAR_ID + 100 + n, visitor, world.other_host, -10 - n, by=world.admin)
    acme_admin.post("/visits/history/", {"q": "pager"})
    first = acme_admin.get("/visits/history/")
    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert 'href="?page=2"' in first.content.decode()
    second = acme_admin.get("/visits/history/", {"page": 2})
    assert len(second.context["page"].object_list) == 2


def test_the_detail_shows_the_visit_and_its_timeline(world, acme_admin):
    acme_admin.post(f"/visits/{world.own_future.pk}/reschedule/",
                    {"expected_start": "2031-01-01T09:00", "expected_end": "2031-01-01T10:00"})  # fmt: skip
    page = acme_admin.get(f"/visits/{world.own_future.pk}/").content.decode()
    assert world.own_future.code not in page  # only its digest is stored: no page reads it back
    assert "Registered" in page and "Rescheduled" in page
    assert "by admin@acme.example" in page


def test_a_new_code_is_shown_once_and_the_earlier_one_stops_working(world, acme_admin, acme):
    from shared_apps.audit.models import AuditEntry
    from shared_apps.operations.encryption import code_digests
    from tenant_apps.visits.models import Visit

    visit = world.own_future
    assert acme_admin.get(f"/visits/{visit.pk}/code/").status_code == 405
    page = acme_admin.post(f"/visits/{visit.pk}/code/").content.decode()
    new_code = re.findall(r'class="visit-code">(\w+)<', page)[0]
    assert new_code != visit.code and new_code not in acme_admin.get(f"/visits/{visit.pk}/").content.decode()
    with tenant_context(acme):
        assert Visit.objects.get(code_digest__in=code_digests(new_code)).pk == visit.pk
        assert not Visit.objects.filter(code_digest__in=code_digests(visit.code)).exists()
        assert AuditEntry.objects.filter(action="visit.code_reissued", details__reason="portal").count() == 1


def test_an_unknown_visit_is_not_found(world, acme_admin):
    assert acme_admin.get("/visits/123456789/").status_code == 404
