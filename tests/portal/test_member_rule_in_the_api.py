"""The API applies the portal's member rule: own visits and today's to read, only their own to change."""

import datetime as dt

from django_tenants.utils import tenant_context

from tenant_apps.notifications.models import Delivery
from tenant_apps.visits.models import Visitor
from tests.portal.conftest import FAR_ID, AcmeWorld, at_noon, make_visit


def test_a_member_lists_and_opens_only_what_the_portal_shows_them(world: AcmeWorld, acme_member):
    listed = {row["id"] for row in acme_member.get("/api/v1/visits/?page_size=500").json()["results"]}
    assert {world.own_today.pk, world.other_today.pk, world.own_future.pk} <= listed
    assert world.other_future.pk not in listed and world.other_past.pk not in listed
    assert acme_member.get(f"/api/v1/visits/{world.other_future.pk}/").status_code == 404
    assert acme_member.get(f"/api/v1/visits/{world.other_today.pk}/").status_code == 200


def test_a_member_changes_only_their_own_visits(world: AcmeWorld, acme_member):
    assert acme_member.post(f"/api/v1/visits/{world.other_today.pk}/cancel/").status_code == 404
    assert acme_member.post(f"/api/v1/visits/{world.own_future.pk}/cancel/").status_code == 200


def test_an_admin_sees_the_deliveries_on_the_visit_page(world: AcmeWorld, acme, acme_admin, acme_member):
    with tenant_context(acme):
        Delivery.objects.create(visit=world.own_today, kind=Delivery.Kind.INVITATION, status=Delivery.Status.FAILED,
                                attempts=6, last_error="SMTPRecipientsRefused")  # fmt: skip
    page = acme_admin.get(f"/visits/{world.own_today.pk}/").content.decode()
    assert "SMTPRecipientsRefused" in page
    assert "SMTPRecipientsRefused" not in acme_member.get(f"/visits/{world.own_today.pk}/").content.decode()


def _cara(acme, world: AcmeWorld) -> Visitor:
    """A visitor of someone else's future visit only: nothing of the member's."""
    with tenant_context(acme):
        cara = Visitor.objects.create(
            first_name="Cara", last_name="Cole", email="cara@example.org", phone="+3225550000"
        )
        make_visit(FAR_ID + 6, cara, world.other_host, 6, by=world.admin)
    return cara


def test_a_member_lists_no_visitors_and_opens_only_those_of_visits_they_see(world: AcmeWorld, acme, acme_member):
    cara = _cara(acme, world)
    assert acme_member.get("/privacy/people/").status_code == 404  # the portal's answer, which the API repeats
    assert acme_member.get("/api/v1/visitors/").status_code == 404
    assert acme_member.get(f"/api/v1/visitors/{cara.pk}/").status_code == 404
    bob = world.other_today.visitor  # someone else's, but today's: on the member's lobby view
    assert acme_member.get(f"/api/v1/visitors/{bob.pk}/").json()["email"] == "bob@example.org"


def test_a_member_corrects_only_the_visitors_of_their_own_open_visits(world: AcmeWorld, acme, acme_member):
    cara = _cara(acme, world)
    for other in (cara, world.other_today.visitor):
        response = acme_member.patch(f"/api/v1/visitors/{other.pk}/", {"phone": "+3225551111"},
                                     content_type="application/json")  # fmt: skip
        assert response.status_code == 404
    with tenant_context(acme):
        assert Visitor.objects.get(pk=cara.pk).phone == "+3225550000"
    own = world.own_today.visitor
    response = acme_member.patch(f"/api/v1/visitors/{own.pk}/", {"company_name": "Evers NV"},
                                 content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["company_name"] == "Evers NV"


def test_a_member_lists_no_hosts_through_the_api_as_on_the_portal(world: AcmeWorld, acme_member, acme_admin):
    assert acme_member.get("/hosts/").status_code == 404
    assert acme_member.get("/api/v1/hosts/").status_code == 404
    assert acme_member.get(f"/api/v1/hosts/{world.member_host.pk}/").status_code == 404
    assert acme_admin.get("/api/v1/hosts/?page_size=200").status_code == 200


def test_a_member_registers_visits_only_for_visitors_they_see_or_just_created(world: AcmeWorld, acme, acme_member):
    cara = _cara(acme, world)
    times = {"expected_start": at_noon(2).isoformat(), "expected_end": (at_noon(2) + dt.timedelta(hours=1)).isoformat()}
    refused = acme_member.post("/api/v1/visits/", {"visitor": cara.pk, **times}, content_type="application/json")
    assert refused.status_code == 400 and "visitor" in refused.json()  # an id they may not see reads as unknown
    created = acme_member.post("/api/v1/visitors/", {"first_name": "Nina", "last_name": "New"},
                               content_type="application/json").json()  # fmt: skip
    response = acme_member.post("/api/v1/visits/", {"visitor": created["id"], **times}, content_type="application/json")
    assert response.status_code == 201
