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


def test_the_schema_is_served_to_a_token(acme_api):
    response = acme_api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_the_docs_page_serves_swagger_ui_without_a_cdn(acme_admin):
    page = acme_admin.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower() and "<script>" not in page
