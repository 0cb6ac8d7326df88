"""The router and the TLS proxy's ask endpoint agree on every host (shared_apps/tenancy/hosts.py).

A generated list: each host the platform serves (the IT root, buildings, companies, a suspended company, a custom
domain) written as browsers and proxies may write it (upper case, a trailing dot, a port), and as it is not
served (`www.` in front, an unknown subdomain, a suffix), plus hosts nobody serves. A served host answers its
own pages and gets a certificate; any other gets the plain 404 and no certificate.
"""

import itertools
from collections.abc import Callable

import pytest

from shared_apps.tenancy.models import Domain, Tenant

ASK = "/internal/tls-allowed"
CUSTOM = "visitors.acme.example"
SERVED = ["localhost", "tower.localhost", "harbour.localhost", "acme.localhost", "globex.localhost",
          "initech.localhost", CUSTOM]  # fmt: skip
# Written differently, still the same host.
SAME: list[Callable[[str], str]] = [
    str, str.upper, str.title, lambda host: f"{host}.", lambda host: f"{host}:8000", lambda host: f"{host}:443",
]  # fmt: skip
# Another host altogether.
OTHER: list[Callable[[str], str]] = [
    lambda host: f"www.{host}", lambda host: f"WWW.{host}", lambda host: f"www.{host}.", lambda host: f"x.{host}",
    lambda host: f"{host}.evil.example", lambda host: f"{host}-x", lambda host: f"www.{host}:8000",
]  # fmt: skip
NEVER = ["", "nobody.localhost", "evil.example", "_template_company.localhost", "_template_reception.localhost",
         "127.0.0.1", "[::1]", "testserver", "localhost..", ".localhost", "acme..localhost", "acme.localhost:x",
         "a" * 300, "acme.localhost" + "\u200b", "ácme.localhost"]  # fmt: skip


def _hosts() -> list[tuple[str, bool]]:
    served = [(form(host), True) for host, form in itertools.product(SERVED, SAME)]
    other = [(form(host), False) for host, form in itertools.product(SERVED, OTHER)]
    return [*served, *other, *((host, False) for host in NEVER)]


@pytest.fixture
def custom_domain(acme, settings) -> None:
    """A company's own domain: in the Domain table and in ALLOWED_HOSTS (CHECKIN_EXTRA_HOSTS), as deployed."""
    Domain.objects.create(domain=CUSTOM, tenant=acme, is_primary=False)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, CUSTOM]


@pytest.fixture
def suspended_globex(globex) -> None:
    Tenant.objects.filter(pk=globex.pk).update(status=Tenant.Status.SUSPENDED)


@pytest.mark.parametrize("remembered", [False, True], ids=["looked-up", "remembered"])
def test_the_router_and_the_tls_ask_endpoint_agree_on_every_host(request, client_for, custom_domain,
                                                                 suspended_globex, remembered):  # fmt: skip
    if remembered:
        request.getfixturevalue("remembering")
    proxy = client_for("web:8000")
    disagreements = []
    for host, expected in _hosts():
        for _ in range(2 if remembered else 1):  # the second time from memory
            page = client_for(host).get("/accounts/login/")
            routed = page.status_code != 404
            if not routed:
                assert page.content == b"Not Found", host
            certified = proxy.get(ASK, {"domain": host}).status_code == 200
            if not routed == certified == expected:
                disagreements.append((host, page.status_code, certified, expected))
    assert disagreements == []


def test_a_custom_domain_that_allowed_hosts_does_not_list_is_neither_served_nor_certified(client_for, acme):
    Domain.objects.create(domain=CUSTOM, tenant=acme, is_primary=False)
    assert client_for(CUSTOM).get("/accounts/login/").status_code == 404
    assert client_for("web:8000").get(ASK, {"domain": CUSTOM}).status_code == 404
