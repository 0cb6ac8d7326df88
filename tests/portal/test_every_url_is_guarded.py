"""Every route of the company host, found from the URL resolver, refuses outsiders.

A new route is covered automatically; one whose URL kwargs this file cannot
build fails loudly until a builder is added to KWARGS.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

from tests.portal.conftest import FAR_ID, AcmeWorld

# Routes every host serves for signing in; they are public on purpose.
PUBLIC_ROUTES = {
    "accounts/login/",
    "accounts/logout/",
    "accounts/password-reset/",
    "accounts/set-password/<uidb64>/<token>/",
    "i18n/setlang/",
    "sso/login/",  # single sign-on through the company's identity provider (tests/sso); 404 where it has none
    "sso/callback/",
    "favicon.ico",  # the icon every browser asks for (checkin/favicon.py)
    "privacy/me/",  # a visitor asks for their own privacy link by e-mail (tests/privacy/test_person_link_request.py)
}
# Routes opened by a secret in the URL alone (a link e-mailed to a visitor): a made-up secret opens nothing.
BY_SECRET = {
    "privacy/confirm-consent/<str:token>/",
    "approval/<str:token>/",  # a waiting walk-in's approve/decline link, signed and single-use (tests/kiosk)
    "register/<str:token>/",  # a visitor's link to fill in their own details, signed and single-use (tests/visits)
}


def _ready_export(world: AcmeWorld) -> int:
    """A downloadable export of acme, with its file in storage (made once per test)."""
    from django.core.files.base import ContentFile
    from django_tenants.utils import schema_context

    from tenant_apps.privacy.exports.lifecycle import export_storage
    from tenant_apps.privacy.models import Export

    with schema_context("acme"):
        export = Export.objects.filter(pk=FAR_ID).first()
        if export is None:
            name = export_storage().save("acme/guard-test.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
            export = Export.objects.create(pk=FAR_ID, status=Export.Status.READY, storage_name=name)
        return export.pk


def _api_token(world: AcmeWorld) -> int:
    from django_tenants.utils import schema_context

    from tenant_apps.api.services import api_token_create

    with schema_context("acme"):
        return api_token_create(name="guard test", created_by=world.admin)[0].pk


def _scim_token(world: AcmeWorld) -> int:
    from django_tenants.utils import schema_context

    from tenant_apps.scim.services import scim_token_create

    with schema_context("acme"):
        return scim_token_create(name="guard test", created_by=world.admin)[0].pk


def _scim_group(world: AcmeWorld) -> int:
    from django_tenants.utils import schema_context

    from tenant_apps.scim.models import ScimGroup

    with schema_context("acme"):
        return ScimGroup.objects.get_or_create(display_name="guard test")[0].pk


def _subject_request(world: AcmeWorld) -> int:
    import datetime as dt

    from django_tenants.utils import schema_context

    from tenant_apps.privacy.models import SubjectRequest
    from tenant_apps.privacy.subject_requests import answer_due

    with schema_context("acme"):
        return SubjectRequest.objects.create(
            kind=SubjectRequest.Kind.CORRECTION, visitor=world.own_today.visitor, reply_to="x@example.org",
            due_at=answer_due(dt.datetime.now(dt.UTC)),
        ).pk  # fmt: skip


def _person_link(world: AcmeWorld) -> str:
    from tenant_apps.visits.person_links import person_token

    with tenant_context(_acme()):
        return person_token(world.own_today.visitor)


def _parcel(world: AcmeWorld) -> int:
    """A parcel at the desk for the member's host, with a photo of its label (the demo's is for acme's first host)."""
    import base64

    from django.core.files.base import ContentFile
    from django_tenants.utils import schema_context

    from tenant_apps.parcels.services import ParcelDetails, parcel_record

    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    with schema_context("acme"):
        details = ParcelDetails(host_id=world.member_host.pk, carrier="DHL", tracking_reference="G-1", items=1,
                                label_photo=ContentFile(png, name="label.png"))  # fmt: skip
        return parcel_record(details=details, actor_label="test").pk


def _acme():
    from django_tenants.utils import schema_context

    from shared_apps.tenancy.models import Tenant

    with schema_context("public"):
        return Tenant.objects.get(slug="acme")


KWARGS = {
    "visit_id": lambda world: world.own_future.pk,
    "host_id": lambda world: world.member_host.pk,
    "user_id": lambda world: world.colleague.pk,
    "visitor_id": lambda world: world.own_today.visitor_id,
    "export_id": _ready_export,
    "token_id": _api_token,
    "scim_token_id": _scim_token,
    "group_id": _scim_group,
    "request_id": _subject_request,
    "token": _person_link,
    "parcel_id": _parcel,
}
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _routes(patterns: list, prefix: str = "") -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            found.append(route)
    return found


# The REST API's routes (regular expressions from DRF's router) have their own enumeration in tests/api; the SCIM
# endpoints, which take the SCIM token only (401 to anyone else, sessions included), theirs in tests/scim and the
# access matrix.
ROUTES = [
    route
    for route in _routes(get_resolver("checkin.urls_company").url_patterns)
    if route not in PUBLIC_ROUTES | BY_SECRET and not route.startswith(("api/v1/^", "p/", "scim/v2/"))
]
# The visitor's own page opens by its signed link, with no account (tests/privacy/test_person_page.py): an acme
# link opens on acme and nothing on globex.
BY_LINK = [route for route in _routes(get_resolver("checkin.urls_company").url_patterns) if route.startswith("p/")]


def _path(route: str, world: AcmeWorld) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in KWARGS:
            pytest.fail(f"add a builder for the URL kwarg {name!r} of {route!r} to KWARGS")
        return str(KWARGS[name](world))

    return "/" + _PARAM.sub(value, route)


def _is_sent_to_login(response, path: str) -> bool:
    if "/api/" in path and response.status_code == 401:  # JSON APIs answer 401 with WWW-Authenticate
        return True
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_resolver_lists_the_portal_pages():
    assert {"", "visits/<int:visit_id>/", "hosts/<int:host_id>/edit/", "users/<int:user_id>/active/"} <= set(ROUTES)


def _failures(client, path: str, expected) -> list[tuple[str, str, int]]:
    """GET and POST `path`; the answers that `expected(response, path)` rejects."""
    answers = [("GET", client.get(path)), ("POST", client.post(path))]
    return [(method, path, response.status_code) for method, response in answers if not expected(response, path)]


def _not_found(response, path: str) -> bool:
    # A route answers a method it does not take (GET of a POST-only action, POST of a read-only page) with 405
    # before looking anything up, whatever the id: nothing is disclosed.
    return response.status_code in (404, 405)


def test_anonymous_is_sent_to_the_login_page(world, client_for):
    client = client_for("acme.localhost")
    assert [failure for route in ROUTES for failure in _failures(client, _path(route, world), _is_sent_to_login)] == []


def test_a_globex_session_is_worthless_on_acme(world, globex_admin, client_for):
    intruder = client_for("acme.localhost")
    intruder.cookies["checkin_session"] = globex_admin.cookies["checkin_session"].value
    assert intruder.get("/").status_code == 302
    assert [
        failure for route in ROUTES for failure in _failures(intruder, _path(route, world), _is_sent_to_login)
    ] == []


def test_an_acme_id_is_not_found_on_globex(world, acme_admin, globex_admin):
    routes_with_ids = [route for route in ROUTES if _PARAM.search(route)]
    assert len(routes_with_ids) >= 8
    paths = [_path(route, world) for route in routes_with_ids]
    # Each id opens something on acme, so a 404 on globex means "not here", not "no such object anywhere".
    assert [path for path in paths if acme_admin.get(path).status_code == 404] == []
    assert [failure for path in paths for failure in _failures(globex_admin, path, _not_found)] == []


def test_a_made_up_secret_opens_nothing(world, acme_admin, client_for):
    for route in BY_SECRET:
        path = "/" + _PARAM.sub("x" * 43, route)
        for client in (client_for("acme.localhost"), acme_admin):
            assert client.get(path).status_code == 404 and client.post(path).status_code == 404, path


def test_an_acme_privacy_link_shows_nothing_on_globex(world, client_for):
    paths = [_path(route, world) for route in BY_LINK]
    assert len(paths) == 4
    assert client_for("acme.localhost").get(paths[0]).status_code == 200
    assert [failure for path in paths for failure in _failures(client_for("globex.localhost"), path, _not_found)] == []
