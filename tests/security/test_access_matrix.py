"""Every persona against every endpoint, generated from the URL resolvers and the API router.

The endpoints are every route of `checkin.urls_company` (the API router's routes included), `urls_reception` and
`urls_public`; a new route is covered at once, and one whose path parameter or rule this file cannot work out
fails loudly until a builder or a rule is added below. Path parameters are filled from real objects (the portal's
AcmeWorld and a few more). The personas: acme's admin and member, acme's admin with an API token only and a
member holding a token they made while admin (no session: the token is all they send), globex's admin (session
and API token), tower's desk, harbour's desk, IT, anonymous and tower's kiosk; each sends its cookies to every host,
as a stolen or replayed cookie would be; and acme's directory, holding acme's SCIM token only (tenant_apps/scim), which
opens /scim/v2/ and nothing else, where every other persona is refused. The oracle is one rule per resource (RESOURCES:
tenant_apps/visits/access.py and the like; for a token, also `may_act_with_token`; for the kiosk screens, the
device rule `may_use_kiosk_screens` of tenant_apps/kiosk/access.py that they name), and:

- where the rule says no, GET and the unsafe methods (CSRF-valid, as a signed-in browser's) are refused: a
  redirect to a sign-in or pairing page, 401, 403, 404 or 405;
- where it says yes, GET answers (so each filled object is real and each refusal above means something);
- the API never allows more than the portal: an object or list the API opens has a portal page the same persona
  opens (for a token persona: that its account opens when signed in), and a list holds nothing the rule hides.
"""

import base64
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django_tenants.utils import schema_context, tenant_context

from checkin.urls_company import COMPANY_STAFF
from checkin.urls_reception import DESK_STAFF
from shared_apps.accounts.access import may_manage_staff, staff_visible_to
from shared_apps.accounts.models import User
from shared_apps.accounts.services import user_ensure
from shared_apps.api_tokens.access import api_tokens_visible_to, may_act_with_token, may_manage_api_tokens
from shared_apps.api_tokens.authentication import ApiTokenAuthentication
from shared_apps.api_tokens.models import ApiToken
from shared_apps.console.services import api_token_create as console_token_create
from shared_apps.console.services import support_grant_start
from shared_apps.tenancy.models import Tenant
from tenant_apps.api.services import api_token_create
from tenant_apps.kiosk.access import (
    block_list_visible_to,
    kiosks_visible_to,
    may_manage_block_list,
    may_manage_kiosks,
)
from tenant_apps.kiosk.block_list import BlockListDetails, block_list_add
from tenant_apps.kiosk.models import Kiosk
from tenant_apps.parcels.models import Parcel
from tenant_apps.parcels.selectors import parcels_visible_to
from tenant_apps.parcels.services import ParcelDetails, parcel_record
from tenant_apps.privacy.access import (
    exports_visible_to,
    may_change_retention,
    may_handle_subject_requests,
    may_manage_exports,
    persons_visible_to,
    subject_requests_visible_to,
)
from tenant_apps.privacy.exports.lifecycle import export_storage
from tenant_apps.privacy.models import Export, SubjectRequest
from tenant_apps.privacy.subject_requests import answer_due
from tenant_apps.scim.models import ScimGroup, ScimUser
from tenant_apps.scim.selectors import groups_for_mapping
from tenant_apps.scim.services import scim_token_create
from tenant_apps.visits.access import (
    hosts_visible_to,
    may_change_company_settings,
    may_list_hosts,
    may_list_visitors,
    visitors_editable_by,
    visitors_visible_to,
    visits_of,
    visits_visible_to,
)
from tenant_apps.visits.models import Visit, Visitor
from tenant_apps.visits.person_links import person_token
from tests.conftest import PASSWORD, HostClient
from tests.kiosk.conftest import kiosk_client, pair_device
from tests.portal.conftest import FAR_ID, AcmeWorld, make_visit, world  # noqa: F401  (world: a fixture)

HOSTS = {"company": "acme.localhost", "reception": "tower.localhost", "public": "localhost"}
URLCONFS = {"company": "checkin.urls_company", "reception": "checkin.urls_reception", "public": "checkin.urls_public"}

# Routes open to everyone on purpose (signing in, choosing a language, pairing a tablet, the favicon, the page where a
# visitor asks for their own privacy link by e-mail): tests/accounts, tests/foundation/test_belgian_formats.py and
# tests/privacy/test_person_link_request.py cover them; single sign-on's start and callback: tests/sso.
OPEN = re.compile(
    r"^(accounts/(login|logout|password-reset|set-password|two-factor)|sso/(login|callback)/|i18n/|kiosk/pair/"
    r"|admin/(login|logout)/"
    r"|favicon\.ico$|privacy/me/$)"
)
# Routes opened by a secret in the URL alone: with a made-up secret nobody gets anything.
BY_SECRET = {"privacy/final-export/<str:token>/"}
# The visitor's own privacy page: opened by its signed link alone (tests/privacy/test_person_page.py), with a
# made-up or another company's link by nobody.
BY_SECRET |= {f"p/<str:token>/{tail}" for tail in ("", "my-data.json", "request/", "object/")}
BY_SECRET |= {"privacy/confirm-consent/<str:token>/"}  # a renewed consent's confirmation link (tests/visits)
BY_SECRET |= {"approval/<str:token>/"}  # a waiting walk-in's approve/decline link (tests/kiosk)
BY_SECRET |= {"register/<str:token>/"}  # a visitor's link to fill in their own details (tests/visits)
# The Django admin's helpers answer 403 or 404 to parameters made up here even for IT: only refusals are checked.
NOT_PAGES = {"admin/autocomplete/", "admin/r/<path:content_type_id>/<path:object_id>/", "admin/(?P<url>.*)$"}
REFUSALS = (401, 403, 404, 405)
SIGN_IN_PAGES = ("/accounts/login/", "/admin/login/", "/kiosk/pair/")
UNSAFE = ("post", "patch", "delete")


# --- the rule: one per resource ------------------------------------------------------------------------------------


def _in_acme() -> Any:
    """acme's schema, as its own requests use it (a schema_context alone misses the database role)."""
    with schema_context("public"):
        return tenant_context(Tenant.objects.get(slug="acme"))


def _in_tower() -> Any:
    """tower's reception schema, as its desk's requests use it."""
    with schema_context("public"):
        return tenant_context(Tenant.objects.get(type=Tenant.Type.RECEPTION, building__slug="tower"))


def _in_public() -> Any:
    return schema_context("public")


def _everyone(user: User) -> bool:
    return True


@dataclass(frozen=True)
class Resource:
    """What a company user may list, see and change of one resource (the functions the code itself calls)."""

    may_list: Callable[[User], bool]
    see: Callable[[User], QuerySet[Any]]
    change: Callable[[User], QuerySet[Any]]

    def allows(self, user: User, pk: object, *, changing: bool) -> bool:
        rule = self.change if changing else self.see
        return rule(user).filter(pk=int(str(pk))).exists()


def _visits_visible(user: User) -> QuerySet[Visit]:
    return visits_visible_to(user=user)


def _visits_changeable(user: User) -> QuerySet[Visit]:
    return visits_of(user=user)


# The Users pages, as checkin/urls_company.py mounts them.
_STAFF_ROLES, _MANAGER_ROLES = tuple(COMPANY_STAFF["roles"]), tuple(COMPANY_STAFF["manager_roles"])


def _company_staff(user: User) -> QuerySet[User]:
    return staff_visible_to(user, roles=_STAFF_ROLES, manager_roles=_MANAGER_ROLES)


def _may_manage_company_staff(user: User) -> bool:
    return may_manage_staff(user, manager_roles=_MANAGER_ROLES)


VISIT = Resource(may_list=_everyone, see=_visits_visible, change=_visits_changeable)
VISITOR = Resource(may_list=may_list_visitors, see=visitors_visible_to, change=visitors_editable_by)
HOST = Resource(may_list=may_list_hosts, see=hosts_visible_to, change=hosts_visible_to)
PERSON = Resource(may_list=may_handle_subject_requests, see=persons_visible_to, change=persons_visible_to)
EXPORT = Resource(may_list=may_manage_exports, see=exports_visible_to, change=exports_visible_to)
SUBJECT_REQUEST = Resource(
    may_list=may_handle_subject_requests, see=subject_requests_visible_to, change=subject_requests_visible_to
)
TOKEN = Resource(may_list=may_manage_api_tokens, see=api_tokens_visible_to, change=api_tokens_visible_to)


def _parcels_visible(user: User) -> QuerySet[Parcel]:
    return parcels_visible_to(user=user)


PARCEL = Resource(may_list=_everyone, see=_parcels_visible, change=_parcels_visible)


def _scim_tokens(user: User) -> QuerySet[ApiToken]:
    return api_tokens_visible_to(user, scope=ApiToken.Scope.SCIM)


def _scim_groups(user: User) -> QuerySet[ScimGroup]:
    return groups_for_mapping() if may_change_company_settings(user) else ScimGroup.objects.none()


SCIM_TOKEN = Resource(may_list=may_change_company_settings, see=_scim_tokens, change=_scim_tokens)
SCIM_GROUP = Resource(may_list=may_change_company_settings, see=_scim_groups, change=_scim_groups)
ACCOUNT = Resource(may_list=_may_manage_company_staff, see=_company_staff, change=_company_staff)
# Which resource a company path parameter or an API route names.
RESOURCES = {
    "visit_id": VISIT,
    "host_id": HOST,
    "visitor_id": PERSON,
    "export_id": EXPORT,
    "request_id": SUBJECT_REQUEST,
    "token_id": TOKEN,
    "scim_token_id": SCIM_TOKEN,
    "group_id": SCIM_GROUP,
    "user_id": ACCOUNT,
    "parcel_id": PARCEL,
    "visits": VISIT,
    "parcels": PARCEL,
    "visitors": VISITOR,
    "hosts": HOST,
}
# The desk's resources: the building's kiosks and its staff accounts (as checkin/urls_reception.py mounts them).
_DESK_ROLES, _DESK_MANAGERS = tuple(DESK_STAFF["roles"]), tuple(DESK_STAFF["manager_roles"])


def _desk_staff(user: User) -> QuerySet[User]:
    return staff_visible_to(user, roles=_DESK_ROLES, manager_roles=_DESK_MANAGERS)


KIOSK = Resource(may_list=may_manage_kiosks, see=kiosks_visible_to, change=kiosks_visible_to)
DESK_ACCOUNT = Resource(
    may_list=lambda user: may_manage_staff(user, manager_roles=_DESK_MANAGERS), see=_desk_staff, change=_desk_staff
)
BLOCK_LIST = Resource(may_list=may_manage_block_list, see=block_list_visible_to, change=block_list_visible_to)
DESK_RESOURCES = {"kiosk_id": KIOSK, "user_id": DESK_ACCOUNT, "entry_id": BLOCK_LIST}
# Company views with neither `rule_required` (`staff_required`) nor a resource: the rule they apply.
VIEW_RULES = {"RetentionAPI": may_change_retention, "SpectacularAPIView": _everyone}


# --- the endpoints, from the resolvers -----------------------------------------------------------------------------

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Endpoint:
    kind: str
    route: str

    @property
    def params(self) -> list[str]:
        return [match.group("name") or match.group("group") for match in _PARAM.finditer(self.route)]

    @property
    def api_resource(self) -> str | None:
        """`visits`, `visitors` or `hosts` for a route of the company API's router."""
        found = re.match(r"api/v1/\^(\w+)/", self.route)
        return found.group(1) if found else None

    def path(self, values: dict[str, object]) -> str:
        def value(match: re.Match[str]) -> str:
            return str(values[match.group("name") or match.group("group")])

        return "/" + _PARAM.sub(value, self.route).replace("^", "").replace("$", "")


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


ENDPOINTS = [
    Endpoint(kind, route)
    for kind, urlconf in URLCONFS.items()
    for route in dict.fromkeys(_routes(get_resolver(urlconf).url_patterns))
    if not OPEN.match(route)
]


# --- the personas --------------------------------------------------------------------------------------------------


@dataclass
class Persona:
    name: str
    home: str | None  # the host its credentials belong to
    client: HostClient | None = None
    headers: dict[str, str] = field(default_factory=dict)
    email: str = ""
    token_only: bool = False  # an integration: its API token and nothing else, no session
    directory: bool = False  # acme's directory: its SCIM token and nothing else
    kiosk: Kiosk | None = None  # the device a kiosk persona is

    def on(self, host: str) -> HostClient:
        """A browser on `host` holding this persona's cookies (and token)."""
        if self.client is not None and host == self.home and not self.headers:
            return self.client
        browser = HostClient(host, **self.headers)
        if self.client is not None:
            browser.cookies = SimpleCookie(self.client.cookies.output(header="", sep=";"))
        return browser

    def user(self) -> User | None:
        """The account of a company, desk or IT persona, read in its schema."""
        if not self.email or self.home is None or self.home not in HOSTS.values():
            return None
        schemas = {HOSTS["company"]: _in_acme, HOSTS["reception"]: _in_tower, HOSTS["public"]: _in_public}
        with schemas[self.home]():
            return User.objects.get(email=self.email)


def _signed_in(name: str, host: str, email: str) -> Persona:
    return Persona(name, host, HostClient(host).sign_in(email, PASSWORD), email=email)


def _persona(name: str, tower: Any, globex: Tenant) -> Persona:
    if name == "admin":
        return _signed_in(name, "acme.localhost", "admin@acme.example")
    if name == "member":
        return _signed_in(name, "acme.localhost", "member@acme.example")
    if name == "other company":
        persona = _signed_in(name, "globex.localhost", "admin@globex.example")
        with tenant_context(globex):
            admin = User.objects.get(email="admin@globex.example")
            persona.headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(name='CRM', created_by=admin)[1]}"}
        return persona
    if name == "desk":
        return _signed_in(name, "tower.localhost", "desk@tower.example")
    if name == "other building":
        return _signed_in(name, "harbour.localhost", "desk@harbour.example")
    if name == "IT":  # the console's pages by session, its API by token
        persona = _signed_in(name, "localhost", "it@checkin.example")
        it = User.objects.get(email="it@checkin.example")
        persona.headers = {"HTTP_AUTHORIZATION": f"Bearer {console_token_create(user=it, name='matrix IT')[1]}"}
        return persona
    if name in ("admin with token", "member with token"):
        email = "admin@acme.example" if name == "admin with token" else "member@acme.example"
        with _in_acme():
            maker = User.objects.get(email=email)
            role = maker.role
            if role != User.Role.ADMIN:  # a member cannot make one: theirs was made while they were admin
                User.objects.filter(pk=maker.pk).update(role=User.Role.ADMIN)
                maker.role = User.Role.ADMIN
            key = api_token_create(name=f"matrix {name}", created_by=maker)[1]
            User.objects.filter(pk=maker.pk).update(role=role)
        return Persona(name, "acme.localhost", headers={"HTTP_AUTHORIZATION": f"Bearer {key}"}, email=email,
                       token_only=True)  # fmt: skip
    if name == "directory":
        with _in_acme():
            key = scim_token_create(name="matrix directory", created_by=User.objects.get(email="admin@acme.example"))[1]
        return Persona(name, "acme.localhost", headers={"HTTP_AUTHORIZATION": f"Bearer {key}"}, directory=True)
    if name == "kiosk":
        kiosk, token = pair_device(tower, "Matrix")
        return Persona(name, "tower.localhost", kiosk_client(HostClient, tower, token), kiosk=kiosk)
    return Persona(name, None)


PERSONAS = [
    "admin",
    "member",
    "admin with token",
    "member with token",
    "other company",
    "desk",
    "other building",
    "IT",
    "anonymous",
    "kiosk",
    "directory",
]


# --- real objects for the path parameters --------------------------------------------------------------------------


def _objects(world: AcmeWorld, acme: Tenant) -> dict[str, list[object]]:  # noqa: F811
    """Candidates per path parameter; a member meets all of them, the others the first."""
    with tenant_context(acme):
        cara = Visitor.objects.create(pk=FAR_ID + 3, first_name="Cara", last_name="Cole", email="cara@example.org")
        make_visit(FAR_ID + 6, cara, world.other_host, 6, by=world.admin)
        export_storage().delete("acme/matrix.zip")  # so that the name saved is this one
        name = export_storage().save("acme/matrix.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
        export = Export.objects.create(pk=FAR_ID, status=Export.Status.READY, storage_name=name)
        token = api_token_create(name="matrix", created_by=world.admin)[0]
        scim_token = scim_token_create(name="matrix", created_by=world.admin)[0]
        scim_user = ScimUser.objects.create(user=world.colleague, user_name="colleague@acme.example")
        scim_group = ScimGroup.objects.create(display_name="Matrix")
        parcels = [  # the member's own first (everyone who may see any parcel sees it), then another host's
            parcel_record(details=ParcelDetails(
                host_id=host.pk, carrier="Matrix", tracking_reference="M-2", items=1,
                label_photo=ContentFile(_PNG, name="label.png"),
            ), actor_label="test")
            for host in (world.member_host, world.other_host)
        ]  # fmt: skip
        asked = SubjectRequest.objects.create(kind=SubjectRequest.Kind.ERASURE, visitor=cara, reply_to=cara.email,
                                              due_at=answer_due(dt.datetime.now(dt.UTC)))  # fmt: skip
        with schema_context("public"):
            globex = Tenant.objects.get(slug="globex")
    with tenant_context(globex):  # a genuine link, of another company: nothing on acme's host
        foreign_link = person_token(Visitor(pk=cara.pk))
    visits = [world.own_today, world.other_today, world.own_future, world.other_future, world.other_past]
    return {
        "visit_id": [visit.pk for visit in visits],
        "host_id": [world.member_host.pk, world.other_host.pk],
        "visitor_id": [world.own_today.visitor_id, world.other_today.visitor_id, cara.pk],
        "user_id": [world.colleague.pk],
        "export_id": [export.pk],
        "token_id": [token.pk],
        "scim_token_id": [scim_token.pk],
        "group_id": [scim_group.pk],
        "scim_user_id": [str(scim_user.scim_id)],
        "scim_group_id": [str(scim_group.scim_id)],
        "request_id": [asked.pk],
        "token": [foreign_link],
        "parcel_id": [parcel.pk for parcel in parcels],
    }


_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _reception_objects(world: AcmeWorld, tower_reception: Tenant, acme: Tenant) -> dict[str, list[object]]:  # noqa: F811
    with tenant_context(tower_reception):
        colleague = user_ensure(email="desk2@tower.example", full_name="Second Desk", role=User.Role.DESK,
                                password=PASSWORD)  # fmt: skip
        entry = block_list_add(details=BlockListDetails(
            full_name="Matrix Banned", email="", birth_date=None, document_hint="", reason="Matrix",
            expires_on=dt.date.today() + dt.timedelta(days=30)), actor="test")  # fmt: skip
    assert tower_reception.building is not None
    kiosk = pair_device(tower_reception.building, "Matrix lobby")[0]  # not the kiosk persona's own tablet
    acme.logo.save("matrix.png", ContentFile(_PNG, name="matrix.png"), save=True)  # the logo the kiosk shows
    tower_reception.building.kiosk_logo.save("matrix.png", ContentFile(_PNG, name="matrix.png"), save=True)
    with tenant_context(acme):  # a parcel at tower's desk, with the photo of its label
        parcel = parcel_record(details=ParcelDetails(
            host_id=world.member_host.pk, carrier="Matrix", tracking_reference="M-1", items=1,
            label_photo=ContentFile(_PNG, name="label.png"),
        ), actor_label="test")  # fmt: skip
    return {
        "parcel_id": [parcel.pk],
        "user_id": [colleague.pk],
        "kiosk_id": [kiosk.pk],
        "entry_id": [entry.pk],
        "company": ["acme"],
        "visit_id": [world.own_today.pk],
        "company_id": [acme.pk],
    }


def _public_objects(acme: Tenant) -> dict[str, list[object]]:
    it = User.objects.get(email="it@checkin.example")
    grant = support_grant_start(user=it, company=acme, reason="Ticket 4711: access matrix")
    return {
        "grant_id": [grant.pk],
        "token_id": [console_token_create(user=it, name="matrix")[0].pk],
        "content_type_id": [1],
        "object_id": [1],
        "url": ["nowhere/"],
        "app_label": ["auth"],
        "token": ["x" * 43],
    }


def _values(endpoint: Endpoint, objects: dict[str, dict[str, list[object]]], every: bool) -> list[dict[str, object]]:
    """The paths' parameter values to try: every combination of candidates for the member, the first otherwise."""
    chosen: list[dict[str, object]] = [{}]
    for name in endpoint.params:
        if name == "pk":
            candidates = objects["company"][
                {"visits": "visit_id", "visitors": "visitor_id", "hosts": "host_id", "parcels": "parcel_id"}[
                    endpoint.api_resource or ""
                ]
            ]
        elif name == "slug":
            candidates = ["tower"] if "buildings" in endpoint.route else ["acme"]
        else:
            candidates = objects[endpoint.kind].get(name, [])
        if not candidates:
            pytest.fail(f"add a builder for the path parameter {name!r} of {endpoint.route!r}")
        chosen = [{**values, name: value} for values in chosen for value in (candidates if every else candidates[:1])]
    return chosen


# --- the oracle ----------------------------------------------------------------------------------------------------


def _company_rule(user: User, endpoint: Endpoint, values: dict[str, object], *, unsafe: bool) -> bool:
    """What the rule lets a company user do at this company endpoint."""
    if endpoint.route.startswith("scim/v2/"):
        return False  # a SCIM token's only: no account opens them
    resource_name = endpoint.api_resource
    if resource_name is not None:
        resource = RESOURCES[resource_name]
        if "pk" not in values:
            # Creating visitors and visits; hosts and parcels are read only here.
            return resource.may_list(user) or (unsafe and resource_name not in ("hosts", "parcels"))
        changing = unsafe or not endpoint.route.endswith("(?P<pk>[^/.]+)/$")  # the check-in etc. actions
        with _in_acme():
            return resource.allows(user, values["pk"], changing=changing)
    for name, value in values.items():
        resource = RESOURCES[name]
        changing = unsafe or not endpoint.route.endswith(f":{name}>/")  # the object's own page is read, others change
        with _in_acme():
            if not resource.allows(user, value, changing=changing):
                return False
    match = resolve(endpoint.path(values), urlconf=URLCONFS["company"])
    if "manager_roles" in match.kwargs:
        return may_manage_staff(user, manager_roles=match.kwargs["manager_roles"])
    rule = getattr(match.func, "access_rule", None)  # the very function the page asks (accounts/access.py)
    if rule is not None:
        return bool(rule(user))
    if endpoint.route.startswith("accounts/"):
        return True  # the account's own security pages
    view_class = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    view_rule = VIEW_RULES.get(getattr(view_class, "__name__", ""))
    if view_rule is None:
        pytest.fail(f"add the rule of {endpoint.route!r} ({match.func}) to VIEW_RULES")
    return view_rule(user)


def _desk_rule(user: User, endpoint: Endpoint, values: dict[str, object]) -> bool:
    """What the rule lets a desk account do at a desk page: the building's kiosks and staff by their rules, the
    rule the page names (`rule_required`), the rest of the building's pages (board, visits, evacuation) all."""
    with _in_tower():
        for name, value in values.items():
            resource = DESK_RESOURCES.get(name)
            if resource is not None and not resource.allows(user, value, changing=True):
                return False
    match = resolve(endpoint.path(values), urlconf=URLCONFS["reception"])
    if "manager_roles" in match.kwargs:
        return may_manage_staff(user, manager_roles=match.kwargs["manager_roles"])
    rule = getattr(match.func, "access_rule", None)
    return True if rule is None else bool(rule(user))


def _takes_token(endpoint: Endpoint, values: dict[str, object]) -> bool:
    """Whether a company endpoint authenticates API tokens: a REST framework view that lists ApiTokenAuthentication
    (the pages, `rule_required` ones such as the API's docs included, take a session only)."""
    func = resolve(endpoint.path(values), urlconf=URLCONFS[endpoint.kind]).func
    view_class = getattr(func, "cls", None)
    if view_class is None or getattr(func, "access_rule", None) is not None:
        return False
    classes = getattr(func, "initkwargs", {}).get("authentication_classes") or view_class.authentication_classes
    return ApiTokenAuthentication in classes


def _may(persona: Persona, endpoint: Endpoint, values: dict[str, object], *, unsafe: bool) -> bool:
    if endpoint.kind == "reception":
        # The visitor screens name their device rule (tenant_apps/kiosk/access.py): asked for the device this
        # persona is on this host (only the kiosk persona is one, and only on tower's host), whoever else it is.
        device_rule = getattr(resolve(endpoint.path(values), urlconf=URLCONFS["reception"]).func, "device_rule", None)
        if endpoint.route.startswith("kiosk/") and device_rule is None:
            pytest.fail(f"{endpoint.route!r} serves the kiosk without naming its device rule")
        if device_rule is not None:
            return bool(device_rule(persona.kiosk if persona.home == HOSTS["reception"] else None))
    if persona.home != HOSTS[endpoint.kind] or endpoint.route in BY_SECRET:
        return False  # another company's, building's or the platform's host: nothing
    if persona.kiosk is not None:
        return False  # a device, no account: the desk's pages are not for it
    if persona.directory or endpoint.route.startswith("scim/v2/"):
        # The SCIM endpoints take the company's SCIM token and nothing else; the token opens nothing else.
        scim_view = getattr(resolve(endpoint.path(values), urlconf=URLCONFS["company"]).func, "scim_endpoint", False)
        return persona.directory and scim_view
    if persona.token_only:
        user = persona.user()
        assert user is not None
        # A token opens the API only (no page), and only while its maker may still act with one.
        if not _takes_token(endpoint, values) or not may_act_with_token(user):
            return False
        return _company_rule(user, endpoint, values, unsafe=unsafe)
    if endpoint.kind == "reception":
        desk = persona.user()
        assert desk is not None
        return _desk_rule(desk, endpoint, values)
    if endpoint.kind == "public":  # IT's: the console's pages name their rule (is_platform_it)
        it = persona.user()
        assert it is not None
        rule = getattr(resolve(endpoint.path(values), urlconf=URLCONFS["public"]).func, "access_rule", None)
        return True if rule is None else bool(rule(it))
    user = persona.user()
    assert user is not None
    return _company_rule(user, endpoint, values, unsafe=unsafe)


def _refused(response: Any) -> bool:
    if response.status_code in REFUSALS:
        return True
    return response.status_code == 302 and response["Location"].startswith(SIGN_IN_PAGES)


def _send(client: HostClient, method: str, path: str) -> Any:
    if method == "get":
        return client.get(path)
    if path.startswith("/api/"):
        return getattr(client, method)(path, {}, content_type="application/json")
    return getattr(client, method)(path)


# --- the matrix ----------------------------------------------------------------------------------------------------


@pytest.fixture
def objects(world: AcmeWorld, acme: Tenant, tower_reception: Tenant) -> Iterator[dict[str, dict[str, list[object]]]]:  # noqa: F811
    reception = _reception_objects(world, tower_reception, acme)
    # The console's desk-staff pages name an account of tower's desk, as the desk's own Staff pages do.
    yield {"company": _objects(world, acme), "reception": reception,
           "public": {**_public_objects(acme), "user_id": reception["user_id"]}}  # fmt: skip
    acme.logo.delete(save=False)  # files outlive the rolled-back transaction
    assert tower_reception.building is not None
    tower_reception.building.kiosk_logo.delete(save=False)
    export_storage().delete("acme/matrix.zip")


def test_the_resolvers_list_every_channel():
    routes = {(endpoint.kind, endpoint.route) for endpoint in ENDPOINTS}
    assert ("company", "api/v1/^visitors/(?P<pk>[^/.]+)/$") in routes and ("company", "hosts/") in routes
    assert ("reception", "desk/visits/<slug:company>/<int:visit_id>/badge/") in routes
    assert ("reception", "kiosk/badge/") in routes and ("public", "console/companies/<slug:slug>/remove/") in routes
    assert ("company", "p/<str:token>/") in routes and ("company", "privacy/requests/<int:request_id>/") in routes
    assert ("company", "scim/v2/Users/<str:scim_user_id>") in routes and ("company", "scim/v2/Groups") in routes


@pytest.mark.parametrize("name", PERSONAS)
def test_no_persona_gets_more_than_the_rule_and_the_api_no_more_than_the_portal(
    name,
    objects,
    tower,
    globex,
    acme,
    world: AcmeWorld,  # noqa: F811
):
    persona = _persona(name, tower, globex)
    every = name == "member"  # the one persona whose rights depend on the object
    opened: set[str] = set()  # paths whose GET this persona was answered
    wrong: list[str] = []
    for endpoint in ENDPOINTS:
        browser = persona.on(HOSTS[endpoint.kind])
        for values in _values(endpoint, objects, every):
            path = endpoint.path(values)
            allowed = _may(persona, endpoint, values, unsafe=False)
            response = _send(browser, "get", path)
            if allowed and response.status_code != 405 and _refused(response) and endpoint.route not in NOT_PAGES:
                wrong.append(f"GET {path} refused ({response.status_code}) though the rule allows it")
            if not _refused(response):
                opened.add(path)
                if not allowed:
                    wrong.append(f"GET {path} answered {response.status_code} though the rule refuses it")
            if _may(persona, endpoint, values, unsafe=True):
                continue  # allowed changes are not made here: tests of each feature make them
            for method in UNSAFE if path.startswith("/api/") else UNSAFE[:1]:  # pages treat every unsafe one alike
                response = _send(browser, method, path)
                if not _refused(response):
                    wrong.append(f"{method.upper()} {path} answered {response.status_code} though the rule refuses it")
    assert wrong == [], "\n".join(wrong)
    assert _api_opens_nothing_the_portal_hides(_portal_opened(persona, opened, world), opened, world) == []
    if persona.home == HOSTS["company"] and not persona.directory:
        assert _lists_hold_nothing_the_rule_hides(persona) == []


RETENTION_API = "/privacy/api/retention/"


# The portal page that shows what an API path shows.
def _portal_twin(api_path: str, world: AcmeWorld) -> list[str]:  # noqa: F811
    if api_path == RETENTION_API:
        return ["/privacy/retention/"]
    kind, _, pk = api_path.removeprefix("/api/v1/").strip("/").partition("/")
    if kind == "visits":
        return [f"/visits/{pk}/"] if pk else ["/"]
    if kind == "hosts":
        return [f"/hosts/{pk}/edit/"] if pk else ["/hosts/"]
    if kind == "parcels":
        return [f"/parcels/{pk}/"] if pk else ["/parcels/"]
    if kind == "visitors" and not pk:
        return ["/privacy/people/"]
    with _in_acme():  # a visitor shows on the page of each of their visits and in the person's record
        visits = list(Visit.objects.filter(visitor_id=int(pk)).values_list("pk", flat=True))
    return [f"/privacy/people/{pk}/", *(f"/visits/{visit}/" for visit in visits)]


def _api_paths(opened: set[str]) -> list[str]:
    return [
        path
        for path in opened
        if re.match(r"/api/v1/(visits|visitors|hosts|parcels)/(\d+/)?$", path) or path == RETENTION_API
    ]


def _portal_opened(persona: Persona, opened: set[str], world: AcmeWorld) -> set[str]:  # noqa: F811
    """The portal pages the persona's account opens: those it opened, or for a token persona (which opens no page)
    the twins of what its token opened, asked by its account signed in."""
    if not persona.token_only:
        return opened
    twins = {twin for path in _api_paths(opened) for twin in _portal_twin(path, world)}
    if not twins:
        return set()
    browser = _signed_in(persona.name, HOSTS["company"], persona.email).on(HOSTS["company"])
    return {twin for twin in twins if not _refused(browser.get(twin))}


def _api_opens_nothing_the_portal_hides(portal: set[str], opened: set[str], world: AcmeWorld) -> list[str]:  # noqa: F811
    return [path for path in _api_paths(opened) if not any(twin in portal for twin in _portal_twin(path, world))]


def _lists_hold_nothing_the_rule_hides(persona: Persona) -> list[str]:
    user = persona.user()
    assert user is not None
    extra = []
    for resource_name in ("visits", "visitors", "hosts", "parcels"):
        response = persona.on(HOSTS["company"]).get(f"/api/v1/{resource_name}/?page_size=200")
        if _refused(response):
            continue
        resource = RESOURCES[resource_name]
        assert resource.see is not None
        with _in_acme():
            seen = set(resource.see(user).values_list("pk", flat=True))
        extra += [f"{resource_name} {row['id']}" for row in response.json()["results"] if row["id"] not in seen]
    return extra
