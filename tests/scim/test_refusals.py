"""What the SCIM endpoints refuse, in SCIM's error format: no token, a wrong, revoked or API token, another
company's token (tokens live in their company's schema), bad input (400 with a detail, nothing half-written),
unknown ids and taken names."""

import pytest
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.api_tokens.models import ApiToken
from shared_apps.audit.models import AuditEntry
from tenant_apps.api.services import api_token_create
from tenant_apps.scim.models import ScimGroup, ScimUser
from tenant_apps.scim.protocol import CORE_USER, ERROR, PATCH_OP
from tenant_apps.visits.models import Host
from tests.conftest import HostClient
from tests.scim.conftest import ScimClient, scim_key

NEW = {"schemas": [CORE_USER], "userName": "new.person@acme.example", "name": {"givenName": "New", "familyName": "P"}}


def _refused(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == [ERROR] and body["status"] == str(status) and body["detail"]
    return body


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer ck_not-a-real-key", "Basic dXNlcjpwYXNz"])
def test_without_a_valid_token_every_endpoint_answers_401(acme, header):
    client = ScimClient("acme.localhost", **({"HTTP_AUTHORIZATION": header} if header else {}))
    for path in ("/scim/v2/Users", "/scim/v2/Groups", "/scim/v2/ServiceProviderConfig", "/scim/v2/Schemas"):
        response = client.send("GET", path)
        _refused(response, 401)
        assert response["WWW-Authenticate"] == 'Bearer realm="scim"'
    _refused(client.send("POST", "/scim/v2/Users", NEW), 401)
    with tenant_context(acme):
        assert not ScimUser.objects.exists()


def test_another_companys_token_is_refused(acme, globex, globex_scim):
    created = globex_scim.send("POST", "/scim/v2/Users", {**NEW, "userName": "g@globex.example"})
    assert created.status_code == 201
    stolen = ScimClient("acme.localhost", HTTP_AUTHORIZATION=globex_scim.defaults["HTTP_AUTHORIZATION"])
    _refused(stolen.send("GET", "/scim/v2/Users"), 401)
    _refused(stolen.send("GET", f"/scim/v2/Users/{created.json()['id']}"), 401)
    _refused(stolen.send("POST", "/scim/v2/Users", NEW), 401)
    with tenant_context(acme):
        assert not ScimUser.objects.exists()


def test_an_api_token_opens_no_scim_and_a_scim_token_no_api(acme):
    with tenant_context(acme):
        admin = User.objects.get(email="admin@acme.example")
        api_key = api_token_create(name="CRM", created_by=admin)[1]
    _refused(ScimClient("acme.localhost", HTTP_AUTHORIZATION=f"Bearer {api_key}").send("GET", "/scim/v2/Users"), 401)
    scim = HostClient("acme.localhost", HTTP_AUTHORIZATION=f"Bearer {scim_key(acme)}")
    assert scim.get("/api/v1/hosts/").status_code == 401
    assert scim.get("/").status_code == 302  # and no page: the portal sends it to sign in


def test_a_revoked_token_is_refused(acme, acme_scim, acme_admin):
    assert acme_scim.send("GET", "/scim/v2/Users").status_code == 200
    with tenant_context(acme):
        token = ApiToken.objects.get(scope=ApiToken.Scope.SCIM)
    assert acme_admin.post(f"/settings/directory/tokens/{token.pk}/revoke/").status_code == 302
    _refused(acme_scim.send("GET", "/scim/v2/Users"), 401)
    assert AuditEntry.objects.filter(tenant_schema="acme", action="scim.token_revoked").exists()


def test_a_signed_in_admin_session_opens_no_scim_endpoint(acme_admin):
    assert acme_admin.get("/scim/v2/Users").status_code == 401
    assert acme_admin.post("/scim/v2/Users", NEW, content_type="application/scim+json").status_code == 401


@pytest.mark.parametrize(("body", "scim_type"), [
    ({"schemas": [CORE_USER]}, "invalidValue"),  # no userName
    ({**NEW, "userName": "not an address", "emails": []}, "invalidValue"),  # no e-mail address anywhere
    ({**NEW, "active": "perhaps"}, "invalidValue"),
    ({**NEW, "name": "New P"}, "invalidValue"),
    ({**NEW, "userName": "x" * 300 + "@acme.example"}, "invalidValue"),
    ({**NEW, "emails": "new@acme.example"}, "invalidValue"),
])  # fmt: skip
def test_bad_input_is_a_400_with_a_detail_and_writes_nothing(acme, acme_scim, body, scim_type):
    body = _refused(acme_scim.send("POST", "/scim/v2/Users", body), 400)
    assert body["scimType"] == scim_type
    refused = AuditEntry.objects.get(tenant_schema="acme", action="scim.refused")  # audited, though nothing written
    assert refused.details == {"method": "POST", "endpoint": "users", "status": 400, "scim_type": scim_type}
    assert refused.actor.startswith("SCIM token ck_")
    with tenant_context(acme):
        assert not ScimUser.objects.exists() and not User.objects.filter(email__startswith="new").exists()
        assert not Host.objects.filter(email__startswith="new").exists()


def test_a_body_that_is_not_json_is_a_400(acme_scim):
    response = acme_scim.post("/scim/v2/Users", "{not json", content_type="application/scim+json")
    assert _refused(response, 400)["scimType"] == "invalidSyntax"


def test_a_bad_patch_changes_nothing_though_its_first_operations_were_fine(acme, acme_scim):
    scim_id = acme_scim.send("POST", "/scim/v2/Users", NEW).json()["id"]
    response = acme_scim.send("PATCH", f"/scim/v2/Users/{scim_id}", {"schemas": [PATCH_OP], "Operations": [
        {"op": "replace", "path": "displayName", "value": "Changed"},
        {"op": "replace", "path": "active", "value": "sometimes"},
    ]})  # fmt: skip
    _refused(response, 400)
    for operations in ([], [{"op": "move", "path": "active", "value": False}], [{"op": "remove"}]):
        _refused(acme_scim.send("PATCH", f"/scim/v2/Users/{scim_id}", {"schemas": [PATCH_OP],
                                                                        "Operations": operations}), 400)  # fmt: skip
    _refused(acme_scim.send("PATCH", f"/scim/v2/Users/{scim_id}", {"Operations": [{"op": "replace", "value": {}}]}),
             400)  # fmt: skip
    with tenant_context(acme):
        assert User.objects.get(scim__scim_id=scim_id).full_name == "New P"


def test_a_group_with_an_unknown_member_is_refused_whole(acme, acme_scim):
    body = {"displayName": "Ghosts", "members": [{"value": "00000000-0000-0000-0000-000000000000"}]}
    _refused(acme_scim.send("POST", "/scim/v2/Groups", body), 400)
    _refused(acme_scim.send("POST", "/scim/v2/Groups", {**body, "members": [{"value": "not-an-id"}]}), 400)
    with tenant_context(acme):
        assert not ScimGroup.objects.exists()


def test_unknown_ids_are_404_and_taken_names_409(acme, acme_scim):
    for path in ("/scim/v2/Users/not-an-id", "/scim/v2/Users/00000000-0000-0000-0000-000000000000",
                 "/scim/v2/Groups/not-an-id"):  # fmt: skip
        _refused(acme_scim.send("GET", path), 404)
        _refused(acme_scim.send("DELETE", path), 404)
    first = acme_scim.send("POST", "/scim/v2/Users", NEW).json()
    assert _refused(acme_scim.send("POST", "/scim/v2/Users", NEW), 409)["scimType"] == "uniqueness"
    other = acme_scim.send("POST", "/scim/v2/Users", {**NEW, "userName": "other@acme.example"}).json()
    taken = acme_scim.send(
        "PATCH",
        f"/scim/v2/Users/{other['id']}",
        {
            "schemas": [PATCH_OP],
            "Operations": [
                {"op": "replace", "path": "emails", "value": [{"value": first["emails"][0]["value"], "primary": True}]}
            ],
        },
    )
    assert _refused(taken, 409)["scimType"] == "uniqueness"


def test_unsupported_filters_are_a_400(acme_scim):
    for text in ('userName sw "a"', 'title eq "x"', 'userName eq "a" or userName eq "b"', "userName eq a"):
        assert _refused(acme_scim.send("GET", f"/scim/v2/Users?filter={text}"), 400)["scimType"] == "invalidFilter"
    assert acme_scim.send("GET", '/scim/v2/Users?filter=externalId eq "x"').json()["totalResults"] == 0


def test_a_method_an_endpoint_does_not_take_is_405(acme_scim):
    _refused(acme_scim.send("DELETE", "/scim/v2/Users"), 405)
    _refused(acme_scim.send("POST", "/scim/v2/ServiceProviderConfig", {}), 405)
