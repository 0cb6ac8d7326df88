"""Every API endpoint, tried by all who must not get in: anonymous, another company's token or ids."""

import pytest
from django_tenants.utils import tenant_context

from shared_apps.api_tokens.models import ApiToken
from tenant_apps.parcels.models import Parcel
from tenant_apps.visits.models import Host, Visit, Visitor
from tests.api.endpoints import ENDPOINTS, Endpoint

API = [pytest.param(e, id=e.name) for e in ENDPOINTS if not e.is_page]
PAGES = [pytest.param(e, id=e.name) for e in ENDPOINTS if e.is_page]
API_WITH_IDS = [pytest.param(e, id=e.name) for e in ENDPOINTS if e.kwargs and not e.is_page]
PAGES_WITH_IDS = [pytest.param(e, id=e.name) for e in ENDPOINTS if e.kwargs and e.is_page]
MODELS: dict[str, type[Visit | Visitor | Host | ApiToken | Parcel]] = {
    "visit": Visit,
    "visitor": Visitor,
    "host": Host,
    "token": ApiToken,
    "parcel": Parcel,
}


@pytest.fixture
def acme_ids_unknown_to_globex(acme_objects, globex) -> dict[str, int]:
    """acme's ids, checked to name nothing in globex, so a 404 there means isolation and not luck."""
    ids = acme_objects.ids()
    with tenant_context(globex):
        for kind, pk in ids.items():
            assert not MODELS[kind]._default_manager.filter(pk=pk).exists()
    return ids


def test_the_resolver_lists_every_endpoint():
    names = {e.name for e in ENDPOINTS}
    assert {"visitor-list", "visit-detail", "visit-check-in", "host-list", "schema", "docs", "tokens"} <= names


@pytest.mark.parametrize("endpoint", API)
def test_anonymous_gets_401_from_every_api_endpoint(endpoint: Endpoint, client_for, acme_objects):
    for method in endpoint.methods:
        response = getattr(client_for("acme.localhost"), method)(endpoint.url(acme_objects.ids()))
        assert response.status_code == 401, method
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("endpoint", PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_sign_in_from_every_api_page(endpoint: Endpoint, method, client_for, acme_objects):
    response = getattr(client_for("acme.localhost"), method)(endpoint.url(acme_objects.ids()))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("endpoint", PAGES)
def test_a_member_gets_404_from_the_admin_pages(endpoint: Endpoint, acme_member, acme_objects):
    if endpoint.name == "docs":
        assert acme_member.get(endpoint.url(acme_objects.ids())).status_code == 200  # members may read the docs
        return
    for method in endpoint.methods:
        assert getattr(acme_member, method)(endpoint.url(acme_objects.ids())).status_code == 404


@pytest.mark.parametrize("endpoint", API)
def test_a_globex_token_is_refused_on_acmes_host(endpoint: Endpoint, client_for, acme_objects, globex_objects):
    client = client_for("acme.localhost")
    response = client.get(endpoint.url(acme_objects.ids()), HTTP_AUTHORIZATION=f"Bearer {globex_objects.key}")
    assert response.status_code == 401
    assert "Vermeulen" not in response.content.decode()


@pytest.mark.parametrize("endpoint", API_WITH_IDS)
def test_acme_ids_are_404_with_a_globex_token_on_globex_host(
    endpoint: Endpoint, acme_ids_unknown_to_globex, globex_api
):
    for method in endpoint.methods:
        response = getattr(globex_api, method)(
            endpoint.url(acme_ids_unknown_to_globex), content_type="application/json"
        )
        assert response.status_code == 404, (method, response.content)


@pytest.mark.parametrize("endpoint", API_WITH_IDS + PAGES_WITH_IDS)
def test_acme_ids_are_404_for_a_globex_admin_session(endpoint: Endpoint, acme_ids_unknown_to_globex, globex_admin):
    for method in endpoint.methods:
        response = getattr(globex_admin, method)(
            endpoint.url(acme_ids_unknown_to_globex), content_type="application/json"
        )
        assert response.status_code == 404, (method, response.content)


def test_acme_lists_hold_nothing_of_globex(acme_api, acme_objects, globex_objects):
    for path, kind in (("/api/v1/visits/", "visit"), ("/api/v1/visitors/", "visitor"), ("/api/v1/hosts/", "host")):
        ids = {item["id"] for item in acme_api.get(path + "?page_size=200").json()["results"]}
        assert acme_objects.ids()[kind] in ids
    codes = {item["code"] for item in acme_api.get("/api/v1/visits/?page_size=200").json()["results"]}
    assert globex_objects.visit.code not in codes
