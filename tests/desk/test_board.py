"""The today board: one building's companies, nobody else's; search, filters, live fragment."""

import datetime as dt

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.provisioning.companies import company_create
from shared_apps.tenancy.models import Tenant
from tenant_apps.desk.selectors import BoardFilters, desk_board
from tenant_apps.visits.models import Visit, Visitor


def test_the_reception_root_redirects_to_the_board(tower_desk):
    response = tower_desk.get("/")
    assert response.status_code == 302 and response["Location"] == "/desk/"


def test_it_shows_acme_and_globex_visits_with_counts_to_the_tower_desk(tower_desk, acme, globex, make_visit):
    make_visit(acme, first_name="Ariadne")
    make_visit(globex, first_name="Bertrand", state=Visit.State.ON_SITE)
    response = tower_desk.get("/desk/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ariadne" in page and "Bertrand" in page
    assert "Acme Logistics" in page and "Globex Consulting" in page
    counts = response.context["counts"]
    by_slug = {entry.slug: entry.counts for entry in counts.companies}
    assert by_slug["globex"].on_site >= 1 and by_slug["acme"].expected >= 1
    assert counts.overall.total == sum(c.total for c in by_slug.values())
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_harbour_desk_sees_none_of_them_by_board_search_or_id(harbour_desk, acme, make_visit):
    visit = make_visit(acme, first_name="Cressida")
    assert "Cressida" not in harbour_desk.get("/desk/").content.decode()
    assert harbour_desk.post("/desk/", {"q": "Cressida"}).context["visits"] == []
    assert harbour_desk.post("/desk/board/", {"q": visit.code}).context["visits"] == []
    for action in ["check-in", "note", "badge", "cancel"]:
        assert harbour_desk.get(f"/desk/visits/acme/{visit.pk}/{action}/").status_code == 404
    for action in ["check-in", "check-out", "cancel", "note"]:
        assert harbour_desk.post(f"/desk/visits/acme/{visit.pk}/{action}/").status_code == 404
    with tenant_context(acme):
        assert Visit.objects.get(pk=visit.pk).state == Visit.State.EXPECTED


def test_it_searches_by_name_and_code_across_companies(tower_desk, acme, globex, make_visit):
    first = make_visit(acme, first_name="Dorothea", last_name="Quist")
    make_visit(globex, first_name="Dorothea", last_name="Quist")
    make_visit(globex, first_name="Evander")
    found = tower_desk.post("/desk/", {"q": "dorothea quist"}).context["visits"]
    assert {v.company_slug for v in found} == {"acme", "globex"} and all(v.first_name == "Dorothea" for v in found)
    by_code = tower_desk.post("/desk/", {"q": first.code.lower()}).context["visits"]
    assert [(v.company_slug, v.visit_id) for v in by_code] == [("acme", first.pk)]
    assert "No visitor today matches" in tower_desk.post("/desk/", {"q": "nobody-such"}).content.decode()


def test_it_filters_by_company_and_state(tower_desk, acme, globex, make_visit):
    make_visit(acme, first_name="Fenella", state=Visit.State.ON_SITE)
    make_visit(globex, first_name="Fenella", state=Visit.State.ON_SITE)
    make_visit(acme, first_name="Fenella", state=Visit.State.LEFT)
    rows = tower_desk.post("/desk/", {"q": "Fenella", "company": "acme", "state": "on_site"}).context["visits"]
    assert [(v.company_slug, v.state) for v in rows] == [("acme", "on_site")]
    # An unknown company or state is ignored rather than an error.
    assert tower_desk.get("/desk/?company=initech&state=bogus").status_code == 200


def test_cancelled_visits_and_other_days_are_not_on_the_board(tower_desk, acme, make_visit):
    make_visit(acme, first_name="Gideon", state=Visit.State.CANCELLED)
    make_visit(acme, first_name="Gideon", start=timezone.now() - dt.timedelta(days=3))
    assert "Gideon" not in tower_desk.get("/desk/").content.decode()


def test_the_live_fragment_carries_the_same_search(tower_desk, acme, make_visit):
    make_visit(acme, first_name="Honoria")
    make_visit(acme, first_name="Ignatius")
    fragment = tower_desk.post("/desk/board/", {"q": "Honoria"})
    page = fragment.content.decode()
    assert fragment.status_code == 200 and "Honoria" in page and "Ignatius" not in page
    assert "<html" not in page


def test_an_erased_or_purged_visit_is_gone_from_the_desk_at_once(tower_desk, acme, make_visit):
    erased = make_visit(acme, first_name="Jocasta")
    purged = make_visit(acme, first_name="Kasimir", state=Visit.State.LEFT)
    assert "Jocasta" in tower_desk.get("/desk/").content.decode()
    with tenant_context(acme):
        Visitor.objects.filter(pk=erased.visitor_id).delete()  # erasure: the person and their visits
        Visit.objects.filter(pk=purged.pk).delete()  # retention purge: the visit
    page = tower_desk.get("/desk/").content.decode()
    assert "Jocasta" not in page and "Kasimir" not in page


def test_a_company_user_gets_nothing_on_the_desk_host(acme_admin, client_for):
    stolen = acme_admin.cookies[settings.SESSION_COOKIE_NAME].value
    desk_host = client_for("tower.localhost")
    desk_host.cookies[settings.SESSION_COOKIE_NAME] = stolen
    for path in ["/", "/desk/", "/desk/board/", "/desk/evacuation/", "/desk/evacuation.csv"]:
        response = desk_host.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    signed_in = desk_host.post("/accounts/login/", {"username": "admin@acme.example", "password": "checkin-demo-2026"})
    assert signed_in.status_code == 200  # the company account does not exist on the desk host


def test_rows_escape_what_people_typed_and_post_through_one_shared_form(tower_desk, acme, make_visit):
    on_site = make_visit(acme, first_name="<script>x</script>", last_name='"Quote', state=Visit.State.ON_SITE)
    expected = make_visit(acme, first_name="Rosalind")
    page = tower_desk.get("/desk/?company=acme").content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt; &quot;Quote" in page
    rows = page[page.index('<table class="desk-visits"') :]
    assert "csrfmiddlewaretoken" not in rows and "<form" not in rows  # the rows post through one shared form
    shared_form = '<form id="desk-row-action" method="post" hidden><input type="hidden" name="csrfmiddlewaretoken"'
    assert shared_form in page and 'name="next" value="/desk/?company=acme"' in page
    out = f'form="desk-row-action" formaction="/desk/visits/acme/{on_site.pk}/check-out/"'
    cancel = f'href="/desk/visits/acme/{expected.pk}/cancel/?next=%2Fdesk%2F%3Fcompany%3Dacme"'
    check_in = f'href="/desk/visits/acme/{expected.pk}/check-in/?next=%2Fdesk%2F%3Fcompany%3Dacme"'
    assert out in page and cancel in page and check_in in page
    assert f"/desk/visits/acme/{on_site.pk}/check-in/" not in page  # only the actions its state allows


def test_the_search_text_never_goes_in_a_url(tower_desk, acme, make_visit):
    make_visit(acme, first_name="Leontyne")
    response = tower_desk.post("/desk/", {"q": "Leontyne", "company": "acme"})
    assert response.context["here"] == "/desk/?company=acme"
    assert "q=" not in response.content.decode() and "Leontyne" not in response.context["here"]
    assert 'method="post"' in response.content.decode()


def _board_statement_runs() -> int:
    """How many times this connection ran the board's query from a plan it kept (0 when never prepared)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans), 0) FROM pg_prepared_statements "
            "WHERE statement LIKE 'SELECT%%FROM \"readmodel_visit\"%%ORDER BY%%LIMIT 500'"
        )
        return int(cursor.fetchone()[0])


def test_the_board_is_planned_once_per_connection_and_its_plan_reused(tower, acme, make_visit):
    reception = Tenant.objects.get(building=tower, type=Tenant.Type.RECEPTION)
    make_visit(acme, first_name="Philippa")
    before = _board_statement_runs()
    for _ in range(3):
        board = desk_board(reception=reception, filters=BoardFilters())
        assert "Philippa" in [v.first_name for v in board.visits]
    assert _board_statement_runs() >= before + 2


def test_a_company_provisioned_after_the_board_was_planned_is_on_it_at_once(tower, acme, make_visit):
    reception = Tenant.objects.get(building=tower, type=Tenant.Type.RECEPTION)
    for _ in range(2):
        desk_board(reception=reception, filters=BoardFilters())  # prepared and planned
    hooli = company_create(building=tower, slug="hooli", name="Hooli")
    visit = make_visit(hooli, first_name="Horatio")
    board = desk_board(reception=reception, filters=BoardFilters())
    assert ("hooli", visit.pk, "Horatio") in {(v.company_slug, v.visit_id, v.first_name) for v in board.visits}
    assert next(c for c in board.counts.companies if c.slug == "hooli").counts.expected == 1


def test_the_board_reads_the_same_with_prepared_statements_turned_off(tower, acme, make_visit):
    """CHECKIN_DB_PREPARE=0 (an old PgBouncer in transaction mode): same board, nothing prepared."""
    reception = Tenant.objects.get(building=tower, type=Tenant.Type.RECEPTION)
    make_visit(acme, first_name="Quentin")
    connection.ensure_connection()
    raw, before = connection.connection, _board_statement_runs()
    saved, raw.prepare_threshold = raw.prepare_threshold, None
    try:
        for _ in range(3):
            board = desk_board(reception=reception, filters=BoardFilters())
            assert "Quentin" in [v.first_name for v in board.visits]
    finally:
        raw.prepare_threshold = saved
    assert _board_statement_runs() == before


def test_the_board_has_expected_on_site_and_left_sections_each_with_its_own_time(tower_desk, acme, globex, make_visit):
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    later = make_visit(acme, first_name="Later", start=hour + dt.timedelta(minutes=2))
    sooner = make_visit(globex, first_name="Sooner", start=hour + dt.timedelta(minutes=1))
    make_visit(acme, first_name="Arrived", state=Visit.State.ON_SITE)
    make_visit(acme, first_name="Departed", state=Visit.State.LEFT)
    page = tower_desk.get("/desk/").content.decode()
    expected = page[page.index('data-section="expected"') : page.index('data-section="on_site"')]
    on_site = page[page.index('data-section="on_site"') : page.index('data-section="left"')]
    left = page[page.index('data-section="left"') :]
    assert expected.index(f"/globex/{sooner.pk}/") < expected.index(f"/acme/{later.pk}/")
    assert "Planned" in expected and "Arrived" not in expected and "Departed" not in expected
    assert "Checked in" in on_site and "Arrived" in on_site and "Departed" not in on_site
    assert "Checked out" in left and "Departed" in left
    assert '<details class="desk-section desk-section-left" data-section="left">' in page  # collapsed


def test_the_board_page_reads_the_buildings_companies_once(tower_desk, acme, globex, make_visit):
    """The company filter's choices, the board and its count of waiting parcels come from one read of the
    building's companies (at 500 companies each further read costs the page more than its query)."""
    make_visit(acme, first_name="Lavinia")
    with CaptureQueriesContext(connection) as captured:
        page = tower_desk.post("/desk/board/", {"q": "Lavinia", "company": "acme"})
    assert page.status_code == 200 and [v.company_slug for v in page.context["visits"]] == ["acme"]
    assert [choice[0] for choice in page.context["form"].fields["company"].choices] == ["", "acme", "globex"]
    reads = [
        query["sql"]
        for query in captured
        if 'FROM "tenancy_tenant" WHERE ("tenancy_tenant"."building_id"' in query["sql"]
    ]
    assert len(reads) == 1, reads
