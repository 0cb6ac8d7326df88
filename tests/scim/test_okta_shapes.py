"""The requests Okta's SCIM 2.0 client sends, as its public SCIM reference shows them: a user created with a
password and a locale (neither kept as such), found with `startIndex`/`count`, updated with PUT, deactivated with a
`replace` without a path; groups renamed with a `replace` holding the id, members added with a list and removed
with `members[value eq "<id>"]`, and a group replaced whole with PUT."""

from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from tenant_apps.scim.protocol import CORE_GROUP, CORE_USER, PATCH_OP
from tenant_apps.visits.models import Host

OKTA_USER = {
    "schemas": [CORE_USER], "userName": "test.user@acme.example",
    "name": {"givenName": "Test", "familyName": "User"},
    "emails": [{"primary": True, "value": "test.user@acme.example", "type": "work"}],
    "displayName": "Test User", "locale": "nl-BE", "externalId": "00ujl29u0le5T6Aj10h7", "groups": [],
    "password": "1mz050nq", "active": True,
}  # fmt: skip


def _patch(*operations):
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def test_okta_user_lifecycle(acme, acme_scim):
    found = acme_scim.send("GET", '/scim/v2/Users?filter=userName eq "test.user@acme.example"&startIndex=1&count=100')
    assert found.json()["totalResults"] == 0
    created = acme_scim.send("POST", "/scim/v2/Users", OKTA_USER)
    assert created.status_code == 201, created.content
    scim_id = created.json()["id"]
    with tenant_context(acme):
        account = User.objects.get(email="test.user@acme.example")
        assert account.language == "nl" and not account.has_usable_password()  # Okta's password is not taken

    put = acme_scim.send(
        "PUT",
        f"/scim/v2/Users/{scim_id}",
        {
            **OKTA_USER,
            "id": scim_id,
            "displayName": "Test Person",
            "name": {"givenName": "Test", "familyName": "Person"},
        },
    )
    assert put.status_code == 200 and put.json()["displayName"] == "Test Person"
    with tenant_context(acme):
        assert Host.objects.get(user=account).name == "Test Person"

    off = acme_scim.send("PATCH", f"/scim/v2/Users/{scim_id}", _patch({"op": "replace", "value": {"active": False}}))
    assert off.status_code == 200 and off.json()["active"] is False
    with tenant_context(acme):
        assert not User.objects.get(pk=account.pk).is_active and not Host.objects.get(user=account).is_active

    page = acme_scim.send("GET", "/scim/v2/Users?startIndex=1&count=1").json()
    assert page["itemsPerPage"] == 1 and page["totalResults"] >= 1 and page["startIndex"] == 1


def test_okta_group_shapes(acme, acme_scim):
    first = acme_scim.send("POST", "/scim/v2/Users", OKTA_USER).json()["id"]
    second = acme_scim.send("POST", "/scim/v2/Users", {**OKTA_USER, "userName": "second@acme.example",
                                                       "emails": [], "externalId": "00u2"}).json()["id"]  # fmt: skip
    group = acme_scim.send("POST", "/scim/v2/Groups", {"schemas": [CORE_GROUP], "displayName": "Test SCIMv2",
                                                       "members": []}).json()  # fmt: skip
    path = f"/scim/v2/Groups/{group['id']}"
    renamed = acme_scim.send(
        "PATCH", path, _patch({"op": "replace", "value": {"id": group["id"], "displayName": "Reception team"}})
    )
    assert renamed.status_code == 200 and renamed.json()["displayName"] == "Reception team"

    added = acme_scim.send(
        "PATCH",
        path,
        _patch(
            {
                "op": "add",
                "path": "members",
                "value": [
                    {"value": first, "display": "test.user@acme.example"},
                    {"value": second, "display": "second@acme.example"},
                ],
            }
        ),
    )
    assert {item["value"] for item in added.json()["members"]} == {first, second}
    removed = acme_scim.send("PATCH", path, _patch({"op": "remove", "path": f'members[value eq "{first}"]'}))
    assert [item["value"] for item in removed.json()["members"]] == [second]

    replaced = acme_scim.send("PUT", path, {"schemas": [CORE_GROUP], "id": group["id"], "displayName": "Front desk",
                                            "members": [{"value": first}]})  # fmt: skip
    assert replaced.status_code == 200 and [item["value"] for item in replaced.json()["members"]] == [first]
    assert replaced.json()["displayName"] == "Front desk"
    emptied = acme_scim.send("PATCH", path, _patch({"op": "remove", "path": "members"}))
    assert emptied.json()["members"] == []
