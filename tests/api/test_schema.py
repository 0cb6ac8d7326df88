"""The OpenAPI 3 schema of the company API is generated without warnings, validates, and has its docs page."""

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


def test_the_schema_generates_without_warnings_and_validates():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf="checkin.urls_company").get_schema(request=None, public=True)
    assert not GENERATOR_STATS, f"drf-spectacular warned: {GENERATOR_STATS}"
    validate_schema(schema)
    assert {"/api/v1/visits/", "/api/v1/visits/{id}/check-in/", "/api/v1/visitors/", "/api/v1/hosts/"} <= set(
        schema["paths"]
    )
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_the_schema_says_what_the_api_accepts():
    """Filters, page sizes and request bodies are documented as they are checked, so clients and the fuzz run
    (tests/security/test_api_fuzz.py) send what the API really takes."""
    schema = SchemaGenerator(urlconf="checkin.urls_company").get_schema(request=None, public=True)
    query = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/visits/"]["get"]["parameters"]}
    assert query["date_from"]["format"] == query["date_to"]["format"] == "date"
    assert query["host"]["minimum"] == 1 and query["page_size"] == {"type": "integer", "minimum": 1}
    assert all(p["allowEmptyValue"] for p in schema["paths"]["/api/v1/visits/"]["get"]["parameters"])
    assert list(schema["paths"]["/api/v1/visits/"]["post"]["requestBody"]["content"]) == ["application/json"]
    visitor = schema["components"]["schemas"]["VisitorRequest"]
    assert "id" not in visitor["properties"] and visitor["properties"]["first_name"]["minLength"] == 1
    retention = schema["paths"]["/privacy/api/retention/"]
    assert retention["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/RetentionOutput"
    )


def test_the_schema_is_served_to_a_token(acme_api):
    response = acme_api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_the_docs_page_serves_swagger_ui_without_a_cdn(acme_admin):
    page = acme_admin.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower() and "<script>" not in page
