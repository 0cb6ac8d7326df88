"""The API applies the portal's member rule: own visits and today's to read, only their own to change."""

from django_tenants.utils import tenant_context

from tenant_apps.notifications.models import Delivery
from tests.portal.conftest import AcmeWorld


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
