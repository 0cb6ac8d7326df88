"""What a provisioning API DELETE answered 2xx for is gone from the API: its URI and every URI below it are a
404, as HTTP's DELETE says (found by the stateful fuzz run, whose `use_after_free` check read them back)."""

import pytest

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_a_removed_company_is_a_404_and_stays_listed_as_removed(api):
    company = {"building": "tower", "slug": "umbrella", "name": "Umbrella", "admin_email": "boss@umbrella.example"}
    assert api.post("/api/v1/companies/", company, content_type=JSON).status_code == 201
    assert api.delete("/api/v1/companies/umbrella/").json()["status"] == "removed"
    for answer in (api.get("/api/v1/companies/umbrella/"), api.delete("/api/v1/companies/umbrella/"),
                   api.patch("/api/v1/companies/umbrella/", {"name": "X"}, content_type=JSON)):  # fmt: skip
        assert answer.status_code == 404 and answer.json() == {"detail": "Not found."}
    listed = {row["slug"]: row["status"] for row in api.get("/api/v1/companies/").json()}
    assert listed["umbrella"] == "removed"


def test_an_archived_building_is_a_404_below_its_uri_and_its_slug_is_not_made_again(api):
    building = {"slug": "dock", "name": "Dock Offices", "address": "Quai 9"}
    assert api.post("/api/v1/buildings/", building, content_type=JSON).status_code == 201
    archived = api.delete("/api/v1/buildings/dock/")
    assert archived.status_code == 200 and archived.json()["archived_at"]
    for answer in (
        api.get("/api/v1/buildings/dock/"),
        api.patch("/api/v1/buildings/dock/", {"name": "Dock"}, content_type=JSON),
        api.delete("/api/v1/buildings/dock/"),
        api.get("/api/v1/buildings/dock/desk-staff/"),
        api.post("/api/v1/buildings/dock/desk-staff/", {"email": "d@dock.example"}, content_type=JSON),
    ):
        assert answer.status_code == 404
    again = api.post("/api/v1/buildings/", building, content_type=JSON)  # was a 200 with a building that 404s
    assert again.status_code == 409 and "archived" in again.json()["slug"][0]
    assert [row["archived_at"] for row in api.get("/api/v1/buildings/").json() if row["slug"] == "dock"] != [None]


def test_a_deactivated_desk_account_is_a_404_until_invited_again(api, harbour):
    invite = {"email": "api@harbour.example", "full_name": "Api Desk"}
    account = api.post("/api/v1/buildings/harbour/desk-staff/", invite, content_type=JSON).json()
    uri = f"/api/v1/buildings/harbour/desk-staff/{account['id']}/"
    assert api.delete(uri).json()["is_active"] is False
    assert api.get(uri).status_code == 404 and api.delete(uri).status_code == 404
    listed = {row["id"]: row["is_active"] for row in api.get("/api/v1/buildings/harbour/desk-staff/").json()}
    assert listed[account["id"]] is False
    assert api.post("/api/v1/buildings/harbour/desk-staff/", invite, content_type=JSON).status_code == 200
    assert api.get(uri).json()["is_active"] is True
