"""/internal/tls-allowed: the TLS proxy gets a certificate only for hosts of live tenants."""

import pytest

from shared_apps.tenancy.models import Domain, Tenant

ASK = "/internal/tls-allowed"


@pytest.fixture
def proxy(client_for):
    """The proxy asks over the internal network with its own Host header, which no tenant has."""
    return client_for("web:8000")


def test_it_allows_a_company_and_a_building_host(proxy):
    assert proxy.get(ASK, {"domain": "acme.localhost"}).status_code == 200
    assert proxy.get(ASK, {"domain": "tower.localhost"}).status_code == 200


def test_it_allows_a_custom_company_domain_once_it_is_in_the_domain_table(proxy, acme, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "visitors.acme.example"]  # CHECKIN_EXTRA_HOSTS
    assert proxy.get(ASK, {"domain": "visitors.acme.example"}).status_code == 404
    Domain.objects.create(domain="visitors.acme.example", tenant=acme, is_primary=False)
    assert proxy.get(ASK, {"domain": "Visitors.ACME.example."}).status_code == 200


@pytest.mark.parametrize("domain", ["unknown.localhost", "evil.example", "", "a" * 300])
def test_it_refuses_unknown_domains(proxy, domain):
    response = proxy.get(ASK, {"domain": domain})
    assert response.status_code == 404


def test_it_refuses_a_removed_company_and_the_template_schemas(proxy, globex):
    Tenant.objects.filter(pk=globex.pk).update(status=Tenant.Status.REMOVED)
    assert proxy.get(ASK, {"domain": "globex.localhost"}).status_code == 404
    template = Tenant.objects.get(schema_name="_template_company")
    Domain.objects.create(domain="template.localhost", tenant=template, is_primary=False)
    assert proxy.get(ASK, {"domain": "template.localhost"}).status_code == 404


def test_it_answers_only_the_internal_network(proxy):
    assert proxy.get(ASK, {"domain": "acme.localhost"}, REMOTE_ADDR="203.0.113.9").status_code == 404
    assert proxy.get(ASK, {"domain": "acme.localhost"}, REMOTE_ADDR="::1").status_code == 200


def test_a_request_that_came_through_the_proxy_from_outside_is_refused(client_for):
    # From the outside the request arrives from the proxy's address, but carries X-Forwarded-For.
    outside = client_for("acme.localhost")
    response = outside.get(ASK, {"domain": "acme.localhost"}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 404
    assert outside.post(ASK, {"domain": "acme.localhost"}).status_code == 404


def test_the_networks_come_from_settings(proxy, settings):
    settings.CHECKIN_INTERNAL_NETWORKS = ["10.0.0.0/8"]
    assert proxy.get(ASK, {"domain": "acme.localhost"}).status_code == 404
    assert proxy.get(ASK, {"domain": "acme.localhost"}, REMOTE_ADDR="10.1.2.3").status_code == 200
