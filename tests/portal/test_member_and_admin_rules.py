"""The rule: an admin sees and changes every visit; a member changes only their own (host linked to
them, or registered by them) and sees, besides, every visit of today. Hosts, users and settings are admins' only."""

from django_tenants.utils import tenant_context

from tenant_apps.visits.models import Visit
from tenant_apps.visits.selectors import visits_of, visits_visible_to


def test_the_rule_in_the_selectors(acme, world):
    with tenant_context(acme):
        own = set(visits_of(user=world.member).values_list("pk", flat=True))
        visible = set(visits_visible_to(user=world.member).values_list("pk", flat=True))
        assert {world.own_today.pk, world.own_future.pk} <= own
        assert not own & {world.other_today.pk, world.other_future.pk, world.other_past.pk}
        assert world.other_today.pk in visible
        assert not visible & {world.other_future.pk, world.other_past.pk}
        assert set(Visit.objects.values_list("pk", flat=True)) == set(
            visits_visible_to(user=world.admin).values_list("pk", flat=True)
        )


def test_a_member_sees_all_of_today_but_only_their_own_upcoming_and_history(world, acme_member):
    today = acme_member.get("/").content.decode()
    assert "Eva Evers" in today and "Bob Bakker" in today
    upcoming = acme_member.get("/visits/upcoming/").content.decode()
    assert f"/visits/{world.own_future.pk}/" in upcoming
    assert f"/visits/{world.other_future.pk}/" not in upcoming
    history = acme_member.get("/visits/history/").content.decode()
    assert f"/visits/{world.own_today.pk}/" in history
    assert f"/visits/{world.other_past.pk}/" not in history


def test_a_member_opens_today_s_visit_of_a_colleague_read_only(world, acme_member):
    page = acme_member.get(f"/visits/{world.other_today.pk}/")
    assert page.status_code == 200
    assert f"/visits/{world.other_today.pk}/edit/" not in page.content.decode()
    for path in ("edit/", "reschedule/"):
        assert acme_member.get(f"/visits/{world.other_today.pk}/{path}").status_code == 404
    for path in ("cancel/", "no-show/"):
        assert acme_member.post(f"/visits/{world.other_today.pk}/{path}").status_code == 404
    assert acme_member.get(f"/visits/{world.other_future.pk}/").status_code == 404


def test_a_member_manages_their_own_visit(world, acme_member):
    page = acme_member.get(f"/visits/{world.own_future.pk}/")
    assert f"/visits/{world.own_future.pk}/edit/" in page.content.decode()
    assert acme_member.post(f"/visits/{world.own_future.pk}/cancel/", {"confirm": "yes"}).status_code == 302
    world.own_future.refresh_from_db()
    assert world.own_future.state == Visit.State.CANCELLED


def test_a_visit_a_member_registered_is_theirs(acme, world, acme_member):
    response = acme_member.post("/visits/new/", {
        "first_name": "Nora", "last_name": "New", "email": "nora@example.org", "language": "nl",
        "host": world.other_host.pk, "expected_start": "2031-05-02T10:00", "expected_end": "2031-05-02T11:00",
    })  # fmt: skip
    assert response.status_code == 302
    with tenant_context(acme):
        visit = Visit.objects.get(visitor__email="nora@example.org")
    assert f"/visits/{visit.pk}/" in acme_member.get("/visits/upcoming/").content.decode()


def test_admin_pages_are_not_found_for_a_member(world, acme_member):
    for path in ("/hosts/", "/hosts/new/", f"/hosts/{world.member_host.pk}/edit/", "/users/", "/users/invite/",
                 "/settings/"):  # fmt: skip
        assert acme_member.get(path).status_code == 404, path
    assert acme_member.post(f"/users/{world.colleague.pk}/active/", {"active": "0"}).status_code == 404
    nav = acme_member.get("/").content.decode()
    assert 'href="/users/"' not in nav and 'href="/settings/"' not in nav


def test_an_admin_sees_and_changes_everything(world, acme_admin):
    assert f"/visits/{world.other_future.pk}/" in acme_admin.get("/visits/upcoming/").content.decode()
    assert acme_admin.get(f"/visits/{world.other_future.pk}/edit/").status_code == 200
    for path in ("/hosts/", "/users/", "/settings/"):
        assert acme_admin.get(path).status_code == 200


def test_today_tags_the_member_s_own_visits(world, acme_member):
    own = acme_member.get("/").context["own"]
    assert world.own_today.pk in own
    assert world.other_today.pk not in own
