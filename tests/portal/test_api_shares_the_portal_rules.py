"""The API changes visitors and visits through the portal's services, so the same rules hold."""

from django_tenants.utils import tenant_context

from tenant_apps.visits.models import VisitEvent
from tests.portal.conftest import AcmeWorld


def test_an_ended_visit_cannot_be_changed_through_the_api(world: AcmeWorld, acme_admin):
    response = acme_admin.patch(
        f"/api/v1/visits/{world.other_past.pk}/", {"purpose": "Rewritten"}, content_type="application/json"
    )
    assert response.status_code == 409 and "ended" in response.json()["detail"]


def test_a_change_through_the_api_is_on_the_timeline_as_in_the_portal(world: AcmeWorld, acme, acme_admin):
    response = acme_admin.patch(
        f"/api/v1/visits/{world.own_future.pk}/", {"purpose": "Budget"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["purpose"] == "Budget"
    with tenant_context(acme):
        assert VisitEvent.objects.filter(visit=world.own_future, kind=VisitEvent.Kind.UPDATED).exists()


def test_a_visitor_created_through_the_api_gets_the_portals_normalised_email(acme, acme_admin):
    response = acme_admin.post(
        "/api/v1/visitors/", {"first_name": "Ida", "last_name": "Api", "email": "Ida.Api@Example.org"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201 and response.json()["email"] == "ida.api@example.org"
