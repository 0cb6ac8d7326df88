"""A deactivation or a deletion by the directory signs the person out at once, and the host list follows the
directory: a provisioned account is a host (found on the kiosk and in the portal's lists), a deactivated one is
hidden, a name or address change follows, an existing host with the same address is taken over, not doubled."""

import pytest
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from tenant_apps.kiosk.selectors import kiosk_host_search
from tenant_apps.scim.protocol import CORE_USER, PATCH_OP
from tenant_apps.visits.models import CompanySettings, Host
from tenant_apps.visits.selectors import hosts_active
from tests.conftest import PASSWORD

MEMBER = {"schemas": [CORE_USER], "userName": "member@acme.example", "displayName": "Acme Member",
          "emails": [{"value": "member@acme.example", "type": "work", "primary": True}]}  # fmt: skip


def _deactivate(client, scim_id: str):
    body = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": False}}]}
    return client.send("PATCH", f"/scim/v2/Users/{scim_id}", body)


@pytest.mark.parametrize("how", ["deactivate", "delete"])
def test_a_signed_in_session_stops_working_at_its_next_request(acme, acme_scim, client_for, how):
    browser = client_for("acme.localhost").sign_in("member@acme.example", PASSWORD)
    assert browser.get("/").status_code == 200
    adopted = acme_scim.send("POST", "/scim/v2/Users", MEMBER)  # the directory takes over the existing account
    assert adopted.status_code == 201, adopted.content
    assert browser.get("/").status_code == 200  # still signed in while active
    scim_id = adopted.json()["id"]
    response = (
        _deactivate(acme_scim, scim_id)
        if how == "deactivate"
        else acme_scim.send("DELETE", f"/scim/v2/Users/{scim_id}")
    )
    assert response.status_code in (200, 204)
    answer = browser.get("/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    with tenant_context(acme):
        assert not User.objects.get(email="member@acme.example").is_active


def test_provisioned_people_are_hosts_that_follow_the_directory(acme, acme_scim):
    with tenant_context(acme):
        CompanySettings.objects.update_or_create(pk=1, defaults={"show_hosts_on_kiosk": True})
    created = acme_scim.send(
        "POST",
        "/scim/v2/Users",
        {"schemas": [CORE_USER], "userName": "zoe@acme.example", "name": {"givenName": "Zoë", "familyName": "Zimmer"}},
    )
    scim_id = created.json()["id"]
    assert [host.name for host in kiosk_host_search(company=acme, query="Zimmer")] == ["Zoë Zimmer"]

    acme_scim.send("PATCH", f"/scim/v2/Users/{scim_id}", {"schemas": [PATCH_OP], "Operations": [
        {"op": "replace", "path": "name.familyName", "value": "Zander"},
        {"op": "replace", "path": "userName", "value": "zoe.zander@acme.example"},
    ]})  # fmt: skip
    assert [host.name for host in kiosk_host_search(company=acme, query="Zimmer")] == []
    found = kiosk_host_search(company=acme, query="Zander")
    assert [(host.name, host.email) for host in found] == [("Zoë Zander", "zoe.zander@acme.example")]

    _deactivate(acme_scim, scim_id)
    assert kiosk_host_search(company=acme, query="Zander") == []
    with tenant_context(acme):
        assert not hosts_active().filter(name="Zoë Zander").exists()
        assert Host.objects.filter(name="Zoë Zander", is_active=False).count() == 1  # kept for past visits


def test_an_existing_host_with_the_address_is_taken_over_not_doubled(acme, acme_scim):
    with tenant_context(acme):
        typed = Host.objects.create(name="Otto typed by hand", email="otto@acme.example", phone="+3225550101")
    acme_scim.send("POST", "/scim/v2/Users", {"schemas": [CORE_USER], "userName": "otto@acme.example",
                                              "displayName": "Otto Directory"})  # fmt: skip
    with tenant_context(acme):
        host = Host.objects.get(email="otto@acme.example")
        assert host.pk == typed.pk and host.name == "Otto Directory" and host.phone == "+3225550101"
        assert host.user is not None and host.user.email == "otto@acme.example"
