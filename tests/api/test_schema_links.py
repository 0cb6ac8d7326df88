"""The OpenAPI schemas link each creation to what a client does next with what it made (issue #19: the stateful
fuzz test follows these links)."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

SCHEMAS = {urlconf: SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
           for urlconf in ("checkin.urls_company", "checkin.urls_public")}  # fmt: skip


def _operations(urlconf: str) -> dict[str, dict]:
    return {
        f"{method.upper()} {path}": operation
        for path, item in SCHEMAS[urlconf]["paths"].items()
        for method, operation in item.items()
    }


def _links(urlconf: str, name: str, status: str = "201") -> dict[str, dict]:
    return _operations(urlconf)[name]["responses"][status]["links"]


def _path_of(urlconf: str, operation_id: str) -> str:
    [name] = [name for name, operation in _operations(urlconf).items() if operation["operationId"] == operation_id]
    return name


@pytest.mark.parametrize(
    ("urlconf", "creation", "item"),
    [
        ("checkin.urls_company", "POST /api/v1/visits/", "/api/v1/visits/{id}/"),
        ("checkin.urls_company", "POST /api/v1/visitors/", "/api/v1/visitors/{id}/"),
        ("checkin.urls_public", "POST /api/v1/buildings/", "/api/v1/buildings/{slug}/"),
        ("checkin.urls_public", "POST /api/v1/companies/", "/api/v1/companies/{slug}/"),
        ("checkin.urls_public", "POST /api/v1/buildings/{slug}/desk-staff/",
         "/api/v1/buildings/{slug}/desk-staff/{user_id}/"),
    ],
)  # fmt: skip
def test_a_creation_links_to_every_operation_on_what_it_made(urlconf, creation, item):
    links = _links(urlconf, creation)
    known = set(re.findall(r"{(\w+)}", item))  # not the items below it, which the creation does not name
    on_item = {
        name for name in _operations(urlconf)
        if name.split(" ", 1)[1].startswith(item) and set(re.findall(r"{(\w+)}", name)) <= known
    }  # fmt: skip
    assert on_item and on_item <= {_path_of(urlconf, link["operationId"]) for link in links.values()}
    parameter = re.findall(r"{(\w+)}", item)[-1]
    field = parameter if parameter != "user_id" else "id"
    for link in links.values():
        if _path_of(urlconf, link["operationId"]).split(" ", 1)[1].startswith(item):
            assert link["parameters"][parameter] == f"$response.body#/{field}"


def test_the_links_fill_every_path_parameter_of_their_target():
    for urlconf in SCHEMAS:
        for name, operation in _operations(urlconf).items():
            for status, response in operation["responses"].items():
                for link in response.get("links", {}).values():
                    target = _path_of(urlconf, link["operationId"])
                    assert set(re.findall(r"{(\w+)}", target)) == set(link.get("parameters", {})), (name, target)
                    if status in ("200", "201"):
                        assert name.startswith("POST ") and not name.endswith("}/")


def test_a_nested_creation_takes_its_parent_from_its_own_path():
    links = _links("checkin.urls_public", "POST /api/v1/buildings/{slug}/desk-staff/")
    assert links["buildings_desk_staff_destroy"]["parameters"]["slug"] == "$request.path.slug"
    # A building's creation cannot name a desk account it did not make.
    assert "buildings_desk_staff_retrieve" not in _links("checkin.urls_public", "POST /api/v1/buildings/")


def test_a_made_object_links_to_the_objects_it_names_and_to_the_creations_that_take_it():
    visit = _links("checkin.urls_company", "POST /api/v1/visits/")
    assert visit["api_v1_visitors_retrieve"]["parameters"] == {"id": "$response.body#/visitor"}
    assert visit["api_v1_hosts_retrieve"]["parameters"] == {"id": "$response.body#/host"}
    visitor = _links("checkin.urls_company", "POST /api/v1/visitors/")
    assert visitor["api_v1_visits_create"]["requestBody"] == {"visitor": "$response.body#/id"}
    building = _links("checkin.urls_public", "POST /api/v1/buildings/")
    assert building["companies_create"]["requestBody"] == {"building": "$response.body#/slug"}
    company = _links("checkin.urls_public", "POST /api/v1/companies/")
    assert company["buildings_retrieve"]["parameters"] == {"slug": "$response.body#/building"}


def test_a_repeated_creation_answering_200_has_the_same_links():
    for name in ("POST /api/v1/buildings/", "POST /api/v1/companies/", "POST /api/v1/buildings/{slug}/desk-staff/"):
        assert _links("checkin.urls_public", name, "200") == _links("checkin.urls_public", name, "201")
