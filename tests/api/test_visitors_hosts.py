"""Visitors (list, create, correct) and hosts (read) through the API."""

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.visits.models import Visitor


def test_it_creates_a_visitor_with_the_phone_in_e164(acme, acme_api):
    response = acme_api.post(
        "/api/v1/visitors/",
        {"first_name": "Jef", "last_name": "Wouters", "phone": "02 555 12 34", "language": "nl"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["phone"] == "+3225551234"
    with tenant_context(acme):
        assert Visitor.objects.get(pk=response.json()["id"]).language == "nl"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"last_name": "Wouters"}, "first_name"),
        ({"first_name": "Jef", "last_name": "Wouters", "email": "not-an-address"}, "email"),
        ({"first_name": "Jef", "last_name": "Wouters", "phone": "12"}, "phone"),
        ({"first_name": "Jef", "last_name": "Wouters", "language": "it"}, "language"),
    ],
)
def test_bad_visitor_input_is_400_with_field_messages(acme_api, payload, field):
    response = acme_api.post("/api/v1/visitors/", payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json() and response.json()[field][0]


# Valid as sent, but 489 characters once lower-cased ("İ" becomes "i" and a combining dot) as the service stores it.
GROWS_WHEN_LOWERED = "a@" + ".".join(["İ" * 60] * 4) + ".com"


def test_a_refusal_of_the_service_is_a_400_on_the_field(acme, acme_api, acme_objects):
    """The service's own check (`full_clean` after normalising) answers with its field messages, not a 500
    (found by the fuzz run)."""
    with tenant_context(acme):
        before = Visitor.objects.count()
    payload = {"first_name": "Jef", "last_name": "Wouters", "email": GROWS_WHEN_LOWERED}
    created = acme_api.post("/api/v1/visitors/", payload, content_type="application/json")
    corrected = acme_api.patch(f"/api/v1/visitors/{acme_objects.visitor.pk}/", {"email": GROWS_WHEN_LOWERED},
                               content_type="application/json")  # fmt: skip
    for response in (created, corrected):
        assert response.status_code == 400 and list(response.json()) == ["email"]
        assert "at most 254 characters" in response.json()["email"][-1]
    with tenant_context(acme):
        assert Visitor.objects.count() == before
        assert Visitor.objects.get(pk=acme_objects.visitor.pk).email == "nora@example.org"


def test_it_corrects_a_visitor(acme, acme_api, acme_objects):
    url = f"/api/v1/visitors/{acme_objects.visitor.pk}/"
    assert acme_api.patch(url, {"company_name": "Vermeulen NV"}, content_type="application/json").status_code == 200
    assert acme_api.get(url).json()["company_name"] == "Vermeulen NV"
    assert acme_api.patch(url, {"phone": "nope"}, content_type="application/json").status_code == 400


def test_hosts_are_read_only(acme_api, acme_objects):
    url = f"/api/v1/hosts/{acme_objects.host.pk}/"
    assert acme_api.get(url).json()["name"] == "Ines Claes"
    assert acme_api.patch(url, {"name": "X"}, content_type="application/json").status_code == 405
    assert acme_api.post("/api/v1/hosts/", {"name": "X"}, content_type="application/json").status_code == 405
