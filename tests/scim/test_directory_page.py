"""The admins' Directory sync page: a SCIM token made (its key shown once, only its hash kept), listed apart from
the API tokens, revoked; directory groups mapped to roles, and the roles of the directory's accounts following."""

import re

from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.api_tokens.keys import api_key_hash
from shared_apps.api_tokens.models import ApiToken
from shared_apps.audit.models import AuditEntry
from tenant_apps.scim.models import ScimGroup
from tenant_apps.scim.protocol import CORE_GROUP, CORE_USER, PATCH_OP
from tests.scim.conftest import ScimClient


def test_an_admin_makes_a_scim_token_shown_once(acme, acme_admin):
    page = acme_admin.get("/settings/directory/")
    assert page.status_code == 200 and "http://acme.localhost/scim/v2" in page.content.decode()
    response = acme_admin.post("/settings/directory/", {"name": "Entra ID"})
    found = re.search(r'value="(ck_[^"]+)"', response.content.decode())
    assert response.status_code == 200 and found is not None
    key = found.group(1)
    with tenant_context(acme):
        token = ApiToken.objects.get(name="Entra ID")
        assert token.scope == ApiToken.Scope.SCIM and token.key_hash == api_key_hash(key)
    assert key not in acme_admin.get("/settings/directory/").content.decode()
    assert "Entra ID" not in acme_admin.get("/api/v1/tokens/").content.decode()  # each page its own scope
    assert AuditEntry.objects.filter(action="scim.token_created", tenant_schema="acme").exists()
    assert ScimClient("acme.localhost", HTTP_AUTHORIZATION=f"Bearer {key}").get("/scim/v2/Users").status_code == 200


def test_a_token_needs_a_name_and_members_see_no_page(acme_admin, acme_member):
    response = acme_admin.post("/settings/directory/", {"name": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert acme_member.get("/settings/directory/").status_code == 404
    assert acme_member.post("/settings/directory/", {"name": "x"}).status_code == 404


def test_an_api_tokens_id_is_not_revoked_from_the_directory_page(acme, acme_admin):
    acme_admin.post("/api/v1/tokens/", {"name": "CRM"})
    with tenant_context(acme):
        token = ApiToken.objects.get(name="CRM")
    assert acme_admin.post(f"/settings/directory/tokens/{token.pk}/revoke/").status_code == 404


def test_groups_mapped_to_admin_give_the_role_and_taking_it_back(acme, acme_admin, acme_scim):
    alice = acme_scim.send("POST", "/scim/v2/Users", {"schemas": [CORE_USER], "userName": "alice@acme.example"})
    bob = acme_scim.send("POST", "/scim/v2/Users", {"schemas": [CORE_USER], "userName": "bob@acme.example"})
    group = acme_scim.send("POST", "/scim/v2/Groups", {"schemas": [CORE_GROUP], "displayName": "Check-in admins",
                                                       "members": [{"value": alice.json()["id"]}]})  # fmt: skip
    with tenant_context(acme):
        assert User.objects.get(email="alice@acme.example").role == User.Role.MEMBER  # no mapping yet
        pk = ScimGroup.objects.get(display_name="Check-in admins").pk
    assert "Check-in admins" in acme_admin.get("/settings/directory/").content.decode()
    assert acme_admin.post(f"/settings/directory/groups/{pk}/role/", {"role": "admin"}).status_code == 302
    with tenant_context(acme):
        assert User.objects.get(email="alice@acme.example").role == User.Role.ADMIN
        assert User.objects.get(email="bob@acme.example").role == User.Role.MEMBER
        assert User.objects.get(email="admin@acme.example").role == User.Role.ADMIN  # not the directory's
    acme_scim.send("PATCH", f"/scim/v2/Groups/{group.json()['id']}", {"schemas": [PATCH_OP], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": bob.json()["id"]}]},
        {"op": "remove", "path": f'members[value eq "{alice.json()["id"]}"]'},
    ]})  # fmt: skip
    with tenant_context(acme):
        assert User.objects.get(email="alice@acme.example").role == User.Role.MEMBER
        assert User.objects.get(email="bob@acme.example").role == User.Role.ADMIN
    assert acme_admin.post(f"/settings/directory/groups/{pk}/role/", {"role": "owner"}).status_code == 302
    with tenant_context(acme):
        assert ScimGroup.objects.get(pk=pk).role == ScimGroup.Role.ADMIN  # a made-up role changes nothing
    assert AuditEntry.objects.filter(action="scim.group_role_set", tenant_schema="acme").count() == 1
