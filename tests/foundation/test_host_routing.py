"""Each host reaches its own URLconf and schema; anything else is a plain 404."""

import pytest

from shared_apps.database.connection import tenant_connection
from shared_apps.tenancy.models import Tenant


@pytest.mark.parametrize(
    ("host", "heading"),
    [("localhost", "Buildings and companies"), ("tower.localhost", "Reception of Tower"),
     ("acme.localhost", "Today's visitors")],
)  # fmt: skip
def test_it_routes_each_host_type_to_its_own_pages(client_for, host, heading):
    client = client_for(host)
    email = {"localhost": "it@checkin.example", "tower.localhost": "desk@tower.example"}.get(host, "admin@acme.example")
    client.sign_in(email)
    response = client.get("/", follow=True)  # the reception's root redirects to /desk/
    assert response.status_code == 200
    assert heading in response.content.decode()


def test_it_serves_each_host_from_its_own_schema(client_for):
    for host, schema in [("localhost", "public"), ("tower.localhost", "tower"), ("acme.localhost", "acme")]:
        client_for(host).get("/accounts/login/")
        assert tenant_connection().schema_name == schema


def test_it_answers_404_to_an_unknown_host(client_for):
    response = client_for("nobody.localhost").get("/accounts/login/")
    assert response.status_code == 404
    assert response.content == b"Not Found"
    assert tenant_connection().schema_name == "public"


def test_it_answers_404_to_a_host_outside_the_root_domain(client_for):
    assert client_for("evil.example").get("/").status_code == 404


def test_it_answers_404_to_a_removed_company(client_for, acme):
    Tenant.objects.filter(pk=acme.pk).update(status=Tenant.Status.REMOVED)
    assert client_for("acme.localhost").get("/accounts/login/").status_code == 404


def test_it_answers_404_to_a_deleted_company(client_for, acme):
    acme.domains.all().delete()
    assert client_for("acme.localhost").get("/accounts/login/").status_code == 404


def test_it_never_routes_to_a_template_schema(client_for):
    assert client_for("_template_company.localhost").get("/").status_code == 404


def test_it_shows_a_suspended_company_a_page_that_says_so(client_for, acme):
    Tenant.objects.filter(pk=acme.pk).update(status=Tenant.Status.SUSPENDED)
    response = client_for("acme.localhost").get("/accounts/login/")
    assert response.status_code == 503
    assert "suspended" in response.content.decode()


@pytest.mark.parametrize("host", ["tower.localhost", "acme.localhost"])
def test_it_serves_the_admin_site_only_on_the_root_host(client_for, host):
    assert client_for(host).get("/admin/").status_code == 404
    assert client_for("localhost").get("/admin/").status_code == 302  # to the admin's login


@pytest.mark.parametrize("host", ["localhost", "tower.localhost", "acme.localhost"])
def test_it_sends_anonymous_visitors_to_the_login_page_of_the_same_host(client_for, host):
    response = client_for(host).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
