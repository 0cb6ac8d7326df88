"""The OpenAPI schemas state every status an operation answers, with its body, and the rules the server applies;
the server keeps to them (issue: a client could not know what a 400 meant)."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from shared_apps.accounts.models import User
from shared_apps.console.services import api_token_create

SCHEMAS = {urlconf: SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
           for urlconf in ("checkin.urls_company", "checkin.urls_public")}  # fmt: skip


def _operations(urlconf: str):
    for path, item in SCHEMAS[urlconf]["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


@pytest.mark.parametrize("urlconf", SCHEMAS)
def test_every_operation_documents_its_refusals_with_their_bodies(urlconf):
    for name, operation in _operations(urlconf):
        responses = operation["responses"]
        assert {"401", "403", "404", "406"} <= set(responses), name
        if "requestBody" in operation:
            assert {"400", "415"} <= set(responses), name
        for status, response in responses.items():
            if status.startswith("4"):
                assert response["content"]["application/json"]["schema"], (name, status)
        assert "x-conflict" not in operation  # the marker becomes a documented 409, not an extension


def test_conflicts_are_documented_where_the_state_can_refuse():
    company = dict(_operations("checkin.urls_company"))
    for name in ("POST /api/v1/visits/{id}/check-out/", "PATCH /api/v1/visits/{id}/", "PUT /privacy/api/retention/"):
        assert "409" in company[name]["responses"], name
    assert "409" not in company["GET /api/v1/visits/"]["responses"]
    provisioning = dict(_operations("checkin.urls_public"))
    for name in ("POST /api/v1/companies/", "DELETE /api/v1/buildings/{slug}/", "PATCH /api/v1/companies/{slug}/"):
        assert "409" in provisioning[name]["responses"], name
    assert set(provisioning["DELETE /api/v1/companies/{slug}/"]["responses"]) >= {"200", "409"}


def test_the_rules_of_fields_are_in_the_schema():
    components = SCHEMAS["checkin.urls_public"]["components"]["schemas"]
    assert components["BuildingCreateRequest"]["properties"]["slug"]["pattern"] == r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"
    assert (
        "Europe/Brussels" in components["TimezoneEnum"]["enum"]
        and "Mars/Olympus" not in components["TimezoneEnum"]["enum"]
    )
    assert components["PatchedBuildingUpdateRequest"]["properties"]["kiosk_languages"]["minItems"] == 1
    assert "logo" not in components["CompanyCreateRequest"]["properties"]  # JSON cannot carry a file
    company = SCHEMAS["checkin.urls_company"]["components"]["schemas"]
    assert company["VisitorRequest"]["properties"]["first_name"]["pattern"]  # something visible
    assert company["VisitorRequest"]["properties"]["phone"]["oneOf"][0]["format"] == "phone"
    assert company["VisitCreateRequest"]["properties"]["expected_start"]["pattern"] == "^20[0-9]{2}-"


def test_a_name_longer_than_the_maximum_is_refused_whatever_it_holds(acme_api):
    """It was accepted when control characters made up the difference: they were counted after cleaning."""
    padded = "Ada" + "\u200e\x07" * 80  # 163 characters sent, "Ada" once cleaned
    response = acme_api.post(
        "/api/v1/visitors/", {"first_name": padded, "last_name": "Lovelace"}, content_type="application/json"
    )
    assert response.status_code == 400 and list(response.json()) == ["first_name"]


def test_values_of_the_wrong_json_type_are_refused_not_converted(acme_api):
    body = {"first_name": "Ada", "last_name": "Lovelace", "company_name": 0}
    response = acme_api.post("/api/v1/visitors/", body, content_type="application/json")
    assert response.status_code == 400 and response.json() == {"company_name": ["Must be a string."]}


def test_an_unknown_api_path_is_a_json_404(acme_api):
    response = acme_api.get("/api/v1/visits/not-a-number/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_a_conflict_with_what_is_stored_is_a_409_with_detail(db, client_for):
    _token, secret = api_token_create(user=User.objects.get(email="it@checkin.example"), name="t")
    api = client_for("localhost")
    response = api.delete("/api/v1/buildings/tower/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and "remove them before archiving" in response.json()["detail"]


def test_a_type_error_is_in_the_clients_language(acme_api):
    body = {"first_name": "Ada", "last_name": "Lovelace", "company_name": 0}
    response = acme_api.post("/api/v1/visitors/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json() == {"company_name": ["Doit être une chaîne de caractères."]}
