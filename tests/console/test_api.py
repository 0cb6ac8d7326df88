"""The provisioning API: token auth for IT only, idempotent create by slug, the console's validation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from shared_apps.console.services import api_token_create, api_token_revoke
from shared_apps.tenancy.models import Building, Tenant

pytestmark = pytest.mark.django_db

COMPANY = {"building": "tower", "slug": "umbrella", "name": "Umbrella", "admin_email": "boss@umbrella.example"}


def test_create_a_company_twice_creates_it_once(api):
    first = api.post("/api/v1/companies/", COMPANY, content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["url"] == "http://umbrella.localhost:8000"
    again = api.post("/api/v1/companies/", COMPANY, content_type="application/json")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Tenant.objects.filter(slug="umbrella").count() == 1


def test_a_different_payload_for_an_existing_slug_is_a_conflict(api):
    api.post("/api/v1/companies/", COMPANY, content_type="application/json")
    response = api.post("/api/v1/companies/", {**COMPANY, "name": "Other"}, content_type="application/json")
    assert response.status_code == 409
    assert "different name" in response.json()["slug"][0]
    response = api.post("/api/v1/companies/", {**COMPANY, "slug": "tower"}, content_type="application/json")
    assert response.status_code == 409


def test_create_a_building_twice_creates_it_once(api):
    payload = {"slug": "dock", "name": "Dock Offices", "address": "Quai 9"}
    assert api.post("/api/v1/buildings/", payload, content_type="application/json").status_code == 201
    assert api.post("/api/v1/buildings/", payload, content_type="application/json").status_code == 200
    assert Building.objects.filter(slug="dock").count() == 1
    conflict = api.post("/api/v1/buildings/", {**payload, "address": "Elsewhere"}, content_type="application/json")
    assert conflict.status_code == 409


def test_bad_input_is_a_400_with_field_messages(api):
    response = api.post("/api/v1/companies/", {**COMPANY, "slug": "Bad_Slug"}, content_type="application/json")
    assert response.status_code == 400 and "not a valid slug" in response.json()["slug"][0]
    response = api.post("/api/v1/companies/", {**COMPANY, "custom_domain": "x.localhost"},
                        content_type="application/json")  # fmt: skip
    assert response.status_code == 409 and "custom_domain" in response.json()  # the platform's own names
    response = api.post("/api/v1/companies/", {**COMPANY, "admin_email": "nope"}, content_type="application/json")
    assert response.status_code == 400 and "admin_email" in response.json()
    response = api.post("/api/v1/companies/", {**COMPANY, "building": "nowhere"}, content_type="application/json")
    assert response.status_code == 400 and "building" in response.json()
    response = api.patch("/api/v1/buildings/tower/", {"timezone": "Mars/Olympus"}, content_type="application/json")
    assert response.status_code == 400 and "timezone" in response.json()


@pytest.mark.parametrize(
    ("email", "message"),
    [("a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".com", "Ensure this field has no more than 254 characters."),
     # 133 characters as sent, 257 once lower-cased ("İ" becomes "i" and a combining dot), as the account keeps it
     ("a@" + ".".join(["İ" * 31] * 4) + ".com", "Ensure this value has at most 254 characters (it has 257).")],
)  # fmt: skip
def test_an_admin_email_too_long_for_the_account_is_a_400(api, email, message):
    """It was a database error, a 500 (found by the fuzz run)."""
    response = api.post("/api/v1/companies/", {**COMPANY, "admin_email": email}, content_type="application/json")
    assert response.status_code == 400 and response.json() == {"admin_email": [message]}
    assert not Tenant.objects.filter(slug="umbrella").exists()


def test_the_template_slug_is_taken_for_good(api):
    response = api.post("/api/v1/companies/", {**COMPANY, "slug": "_template_company"}, content_type="application/json")
    assert response.status_code == 400 and "not a valid slug" in response.json()["slug"][0]
    response = api.post("/api/v1/companies/", {**COMPANY, "slug": "www"}, content_type="application/json")
    assert response.status_code == 409 and "reserved" in response.json()["slug"][0]


def test_update_suspend_and_remove_a_company(api, client_for):
    api.post("/api/v1/companies/", COMPANY, content_type="application/json")
    response = api.patch("/api/v1/companies/umbrella/", {"name": "Umbrella Corp", "status": "suspended"},
                         content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    assert response.json()["name"] == "Umbrella Corp"
    assert api.delete("/api/v1/companies/umbrella/").json()["status"] == "removed"
    assert client_for("umbrella.localhost").get("/").status_code == 404
    assert api.patch("/api/v1/companies/umbrella/", {"name": "X"}, content_type="application/json").status_code == 404


def test_list_and_read(api, acme):
    assert "acme" in [company["slug"] for company in api.get("/api/v1/companies/").json()]
    assert api.get("/api/v1/buildings/tower/").json()["name"]
    assert api.get("/api/v1/buildings/nowhere/").status_code == 404
    assert api.patch("/api/v1/buildings/tower/", {"default_retention_days": 200},
                     content_type="application/json").json()["default_retention_days"] == 200  # fmt: skip


def test_it_makes_every_companys_walk_ins_wait_for_approval_through_the_api(api, tower):
    assert api.get("/api/v1/buildings/tower/").json()["walk_in_approval_required"] is False
    response = api.patch("/api/v1/buildings/tower/", {"walk_in_approval_required": True},
                         content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["walk_in_approval_required"] is True
    tower.refresh_from_db()
    assert tower.walk_in_approval_required is True
    entry = AuditEntry.objects.filter(action="building.update").latest("pk")
    assert "walk_in_approval_required" in str(entry.details)
    response = api.patch("/api/v1/buildings/tower/", {"walk_in_approval_required": "sometimes"},
                         content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "walk_in_approval_required" in response.json()
    tower.refresh_from_db()
    assert tower.walk_in_approval_required is True


def test_the_auto_checkout_time_is_a_time_on_the_buildings_clock(api):
    """HH:MM or HH:MM:SS and nothing else: the schema gives that pattern, not `format: time` (which would
    promise an offset, and an offset given would be dropped without a word)."""
    response = api.patch("/api/v1/buildings/tower/", {"auto_checkout_time": "19:30"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["auto_checkout_time"] == "19:30:00"
    for bad in ("19:30+02:00", "1930", "25:00", 1930):
        response = api.patch("/api/v1/buildings/tower/", {"auto_checkout_time": bad}, content_type="application/json")
        assert response.status_code == 400 and "HH:MM" in response.json()["auto_checkout_time"][0]
    schema = api.get("/api/v1/schema/?format=json").json()["components"]["schemas"]["Building"]
    assert "format" not in schema["properties"]["auto_checkout_time"]


GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00"
    b"\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def test_bodies_are_json_or_multipart_for_a_logo_and_an_empty_field_is_a_value(api):
    """A cross-site form cannot post here; in multipart an empty name is refused as in JSON (DRF would read
    it as left out, the way of HTML forms, and answer 200 with nothing changed)."""
    created = api.post("/api/v1/companies/", {**COMPANY, "logo": SimpleUploadedFile("logo.gif", GIF, "image/gif")})
    assert created.status_code == 201 and created.json()["has_logo"]
    Tenant.objects.get(slug="umbrella").logo.delete(save=False)
    empty = api.patch("/api/v1/companies/umbrella/", encode_multipart(BOUNDARY, {"name": ""}),
                      content_type=MULTIPART_CONTENT)  # fmt: skip
    assert empty.status_code == 400 and empty.json()["name"] == ["This field may not be blank."]
    form = api.patch("/api/v1/buildings/tower/", "name=Tower+2", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415
    assert api.post("/api/v1/companies/", COMPANY, content_type="application/x-www-form-urlencoded").status_code == 415


def test_the_openapi_schema_says_which_slugs_are_routes(api):
    """`<slug:slug>` takes letters, digits, "-" and "_" only; any other string is no route, so no object (404)."""
    paths = api.get("/api/v1/schema/?format=json").json()["paths"]
    for path in ("/api/v1/buildings/{slug}/", "/api/v1/companies/{slug}/"):
        for operation in paths[path].values():
            [slug] = operation["parameters"]
            assert slug["schema"] == {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}
    assert api.get("/api/v1/buildings/tower.x/").status_code == 404


def test_the_openapi_schema_is_served_to_it(api, it_staff):
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200 and b"/api/v1/companies/" in response.content
    assert it_staff.get("/api/v1/schema/").status_code == 200  # the console session may read it too


API_URLS = ["/api/v1/buildings/", "/api/v1/buildings/tower/", "/api/v1/buildings/tower/desk-staff/",
            "/api/v1/buildings/tower/desk-staff/1/", "/api/v1/companies/", "/api/v1/companies/acme/"]  # fmt: skip


@pytest.mark.parametrize("url", [*API_URLS, "/api/v1/schema/"])
def test_anonymous_and_bad_tokens_are_refused(client_for, url):
    anonymous = client_for("localhost")
    assert anonymous.get(url).status_code == 401
    anonymous.defaults["HTTP_AUTHORIZATION"] = "Bearer not-a-token"
    assert anonymous.get(url).status_code == 401
    anonymous.defaults["HTTP_AUTHORIZATION"] = "Token not-a-token"  # the deprecated header, likewise
    assert anonymous.get(url).status_code == 401


@pytest.mark.parametrize("url", API_URLS)
def test_sessions_and_non_it_users_are_refused(it_staff, public_member, url):
    assert it_staff.get(url).status_code in (401, 403)  # the data API takes tokens only
    assert public_member.get(url).status_code in (401, 403)


def test_a_token_of_a_non_it_user_or_a_revoked_token_is_refused(client_for, it_user):
    member = User.objects.create_user("ops2@checkin.example", "x" * 16, full_name="Ops", role=User.Role.MEMBER)
    _token, secret = api_token_create(user=member, name="sneaky")
    client = client_for("localhost")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert client.get("/api/v1/companies/").status_code == 403
    token, secret = api_token_create(user=it_user, name="revoked")
    api_token_revoke(user=it_user, token=token)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert client.get("/api/v1/companies/").status_code == 401


@pytest.mark.parametrize("host", ["acme.localhost", "tower.localhost"])
def test_the_provisioning_api_does_not_exist_on_other_hosts(client_for, api_secret, host):
    client = client_for(host)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_secret}"
    assert client.get("/api/v1/buildings/").status_code == 404
