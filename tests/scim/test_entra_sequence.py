"""The requests Microsoft Entra ID's provisioning service sends, as its public documentation shows them ("Tutorial:
Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID", request/response examples): find by
userName, create, read, update with PatchOp (`Replace` on paths, `active` as a boolean and as the older string
"False"), disable, delete; groups created, found with `excludedAttributes=members`, members added and removed."""

from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from tenant_apps.scim.models import ScimGroup, ScimUser
from tenant_apps.scim.protocol import CORE_GROUP, CORE_USER, ENTERPRISE_USER, ERROR, LIST_RESPONSE, PATCH_OP
from tenant_apps.visits.models import Host
from tenant_apps.visits.selectors import hosts_active

USER_NAME = "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@acme.example"
ENTRA_CREATE = {
    "schemas": [CORE_USER, ENTERPRISE_USER],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": USER_NAME,
    "active": True,
    "emails": [{"primary": True, "type": "work", "value": "Test_User_fd0ea19b@acme.example"}],
    "meta": {"resourceType": "User"},
    "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
    "roles": [],
    ENTERPRISE_USER: {"department": "Reception", "manager": {"value": "someone"}},
}


def _patch(*operations):
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def test_it_creates_updates_disables_and_deletes_a_user_as_entra_id_does(acme, acme_scim):
    found = acme_scim.send("GET", f'/scim/v2/Users?filter=userName eq "{USER_NAME}"')
    assert found.status_code == 200 and found["Content-Type"] == "application/scim+json"
    assert found.json() == {"schemas": [LIST_RESPONSE], "totalResults": 0, "startIndex": 1, "itemsPerPage": 0,
                            "Resources": []}  # fmt: skip

    created = acme_scim.send("POST", "/scim/v2/Users", ENTRA_CREATE)
    assert created.status_code == 201, created.content
    user = created.json()
    scim_id = user["id"]
    assert created["Location"] == f"http://acme.localhost/scim/v2/Users/{scim_id}"
    assert user["userName"] == USER_NAME and user["externalId"] == ENTRA_CREATE["externalId"] and user["active"]
    assert user["emails"] == [{"value": "test_user_fd0ea19b@acme.example", "type": "work", "primary": True}]
    assert user["name"]["givenName"] == "givenName" and user["meta"]["resourceType"] == "User"
    with tenant_context(acme):
        account = User.objects.get(scim__scim_id=scim_id)
        assert account.role == User.Role.MEMBER and account.is_active and not account.has_usable_password()
        host = Host.objects.get(user=account)
        assert host.name == "givenName familyName" and host.email == "test_user_fd0ea19b@acme.example"
        assert host in hosts_active()

    assert acme_scim.send("GET", f"/scim/v2/Users/{scim_id}").json()["id"] == scim_id
    again = acme_scim.send("GET", f'/scim/v2/Users?filter=userName eq "{USER_NAME.upper()}"').json()
    assert again["totalResults"] == 1 and again["Resources"][0]["id"] == scim_id  # userName ignores case

    updated = acme_scim.send("PATCH", f"/scim/v2/Users/{scim_id}", _patch(
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "updated.email@acme.example"},
        {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
        {"op": "Replace", "path": "displayName", "value": "Updated Name"},
        {"op": "Add", "path": "phoneNumbers[type eq \"work\"].value", "value": "+32 2 555 01 01"},  # not kept
    ))  # fmt: skip
    assert updated.status_code == 200, updated.content
    assert updated.json()["emails"][0]["value"] == "updated.email@acme.example"
    assert updated.json()["name"]["familyName"] == "updatedFamilyName"
    with tenant_context(acme):
        host = Host.objects.get(user__scim__scim_id=scim_id)
        assert (host.name, host.email) == ("Updated Name", "updated.email@acme.example")  # the host follows

    disabled = acme_scim.send("PATCH", f"/scim/v2/Users/{scim_id}",
                              _patch({"op": "Replace", "path": "active", "value": False}))  # fmt: skip
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    listed = acme_scim.send("GET", f'/scim/v2/Users?filter=userName eq "{USER_NAME}"').json()
    assert listed["Resources"][0]["active"] is False  # Entra's validator reads it back through the filter
    with tenant_context(acme):
        assert not User.objects.get(scim__scim_id=scim_id).is_active
        assert not Host.objects.get(user__scim__scim_id=scim_id).is_active

    older = acme_scim.send("PATCH", f"/scim/v2/Users/{scim_id}",
                           _patch({"op": "Replace", "path": "active", "value": "True"}))  # fmt: skip
    assert older.status_code == 200 and older.json()["active"] is True  # the string form of older requests
    with tenant_context(acme):
        assert Host.objects.get(user__scim__scim_id=scim_id).is_active

    deleted = acme_scim.send("DELETE", f"/scim/v2/Users/{scim_id}")
    assert deleted.status_code == 204 and deleted.content == b""
    gone = acme_scim.send("GET", f"/scim/v2/Users/{scim_id}")
    assert gone.status_code == 404 and gone.json()["schemas"] == [ERROR] and gone.json()["status"] == "404"
    with tenant_context(acme):
        account = User.objects.get(pk=account.pk)
        assert not account.is_active and not ScimUser.objects.filter(user=account).exists()
        assert not Host.objects.get(user=account).is_active

    actions = list(AuditEntry.objects.filter(tenant_schema="acme", action__startswith="scim.user_")
                   .order_by("pk").values_list("action", flat=True))  # fmt: skip
    assert actions == ["scim.user_created", "scim.user_updated", "scim.user_deactivated", "scim.user_reactivated",
                       "scim.user_deleted"]  # fmt: skip
    entries = AuditEntry.objects.filter(tenant_schema="acme", action__startswith="scim.").exclude(
        action="scim.token_created"  # by the admin who made it
    )
    assert {"scim.users_read", "scim.user_created"} <= {entry.action for entry in entries}  # reads too
    assert all(entry.actor.startswith("SCIM token ck_") for entry in entries)
    assert all(entry.object_ids.get("api_token") for entry in entries)
    text = " ".join(f"{entry.actor} {entry.details} {entry.object_ids}" for entry in entries)
    assert "Test_User" not in text and "updated.email" not in text and "updatedFamilyName" not in text


def test_a_replace_without_a_path_updates_and_disables(acme, acme_scim):
    scim_id = acme_scim.send("POST", "/scim/v2/Users", ENTRA_CREATE).json()["id"]
    response = acme_scim.send("PATCH", f"/scim/v2/Users/{scim_id}", _patch(
        {"op": "Replace", "value": {"displayName": "No Path", "name.givenName": "Nop", "active": False}},
    ))  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["displayName"] == "No Path" and response.json()["name"]["givenName"] == "Nop"
    assert response.json()["active"] is False


def test_groups_as_entra_id_sends_them(acme, acme_scim):
    member = acme_scim.send("POST", "/scim/v2/Users", ENTRA_CREATE).json()["id"]
    created = acme_scim.send("POST", "/scim/v2/Groups", {
        "schemas": [CORE_GROUP], "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", "displayName": "Reception",
        "meta": {"resourceType": "Group"},
    })  # fmt: skip
    assert created.status_code == 201, created.content
    group_id = created.json()["id"]
    assert created.json()["members"] == []

    found = acme_scim.send("GET", '/scim/v2/Groups?excludedAttributes=members&filter=displayName eq "Reception"')
    assert found.json()["totalResults"] == 1 and "members" not in found.json()["Resources"][0]
    read = acme_scim.send("GET", f"/scim/v2/Groups/{group_id}?excludedAttributes=members")
    assert read.status_code == 200 and "members" not in read.json()

    added = acme_scim.send("PATCH", f"/scim/v2/Groups/{group_id}", _patch(
        {"name": "addMember", "op": "Add", "path": "members", "value": [{"$ref": None, "value": member}]},
    ))  # fmt: skip
    assert added.status_code == 200 and [item["value"] for item in added.json()["members"]] == [member]
    is_member = acme_scim.send("GET", f'/scim/v2/Groups?filter=id eq "{group_id}" and members[value eq "{member}"]')
    assert is_member.json()["totalResults"] == 1
    assert acme_scim.send("GET", f"/scim/v2/Users/{member}").json()["groups"][0]["value"] == group_id

    renamed = acme_scim.send("PATCH", f"/scim/v2/Groups/{group_id}",
                             _patch({"op": "Replace", "path": "displayName", "value": "Front office"}))  # fmt: skip
    assert renamed.json()["displayName"] == "Front office"
    removed = acme_scim.send("PATCH", f"/scim/v2/Groups/{group_id}", _patch(
        {"name": "removeMember", "op": "Remove", "path": "members", "value": [{"$ref": None, "value": member}]},
    ))  # fmt: skip
    assert removed.status_code == 200 and removed.json()["members"] == []

    assert acme_scim.send("DELETE", f"/scim/v2/Groups/{group_id}").status_code == 204
    assert acme_scim.send("GET", f"/scim/v2/Groups/{group_id}").status_code == 404
    with tenant_context(acme):
        assert not ScimGroup.objects.exists()


def test_discovery_documents(acme_scim):
    config = acme_scim.send("GET", "/scim/v2/ServiceProviderConfig").json()
    assert config["patch"]["supported"] and config["filter"]["supported"] and not config["bulk"]["supported"]
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    types = acme_scim.send("GET", "/scim/v2/ResourceTypes").json()
    assert {item["endpoint"] for item in types["Resources"]} == {"/Users", "/Groups"}
    schemas = acme_scim.send("GET", "/scim/v2/Schemas").json()
    assert {item["id"] for item in schemas["Resources"]} == {CORE_USER, CORE_GROUP}
