"""The SCIM 2.0 endpoints of a company host (/scim/v2/), for Microsoft Entra ID, Okta and other directories.

Each view: the token (401 without a valid one of this company), the request parsed (SCIM 400 on bad input), one
service or selector, the answer in `application/scim+json`. No session, no cookie, no CSRF: the bearer token is
the only credential, so a browser's session opens nothing here."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from shared_apps.api_tokens.models import ApiToken
from shared_apps.audit.services import audit_record
from tenant_apps.scim import discovery, resources, selectors, services
from tenant_apps.scim.authentication import scim_token
from tenant_apps.scim.protocol import (
    CONTENT_TYPE,
    ScimError,
    body_of,
    filter_parse,
    list_response,
    operations_of,
    paging,
)

ScimView = Callable[..., HttpResponse]


def _answer(body: Any, status: int = 200, **headers: str) -> HttpResponse:
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE, safe=False)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def scim_endpoint(*methods: str) -> Callable[[ScimView], ScimView]:
    """Authenticate the token, allow `methods`, and turn refusals into SCIM error bodies."""

    def decorator(view: ScimView) -> ScimView:
        @csrf_exempt
        @never_cache
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            token = None
            try:
                token = scim_token(request)
                if request.method not in methods:
                    raise ScimError(405, f"{request.method} is not supported here.")
                return view(request, token, *args, **kwargs)
            except ScimError as error:
                refusal = error
            except ValidationError as error:
                fields = getattr(error, "message_dict", {}) or {"value": error.messages}
                detail = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items())
                refusal = ScimError(400, detail, "invalidValue")
            if token is not None:  # a call of the directory refused, with nothing written: recorded all the same
                audit_record(actor=services.scim_actor(token), action="scim.refused", request=request,
                             object_ids={"api_token": [token.pk]},
                             details={"method": request.method, "endpoint": view.__name__,
                                      "status": refusal.status, "scim_type": refusal.scim_type})  # fmt: skip
            headers = {"WWW_Authenticate": 'Bearer realm="scim"'} if refusal.status == 401 else {}
            return _answer(refusal.body(), refusal.status, **headers)

        wrapper.scim_endpoint = True  # type: ignore[attr-defined]  # read by tests/security/test_access_matrix.py
        return wrapper

    return decorator


def _audit_read(token: ApiToken, action: str, request: HttpRequest, ids: dict[str, list[int | str]]) -> None:
    audit_record(actor=services.scim_actor(token), action=action, request=request,
                 object_ids={**ids, "api_token": [token.pk]})  # fmt: skip


# --- discovery -----------------------------------------------------------------------------------------------------


@scim_endpoint("GET")
def service_provider_config(request: HttpRequest, token: ApiToken) -> HttpResponse:
    return _answer(discovery.service_provider_config(request))


@scim_endpoint("GET")
def resource_types(request: HttpRequest, token: ApiToken) -> HttpResponse:
    found = discovery.resource_types(request)
    return _answer(list_response(found, total=len(found), start_index=1))


@scim_endpoint("GET")
def schemas(request: HttpRequest, token: ApiToken) -> HttpResponse:
    found = discovery.schemas(request)
    return _answer(list_response(found, total=len(found), start_index=1))


# --- users ---------------------------------------------------------------------------------------------------------


@scim_endpoint("GET", "POST")
def users(request: HttpRequest, token: ApiToken) -> HttpResponse:
    """GET: list or find (`filter=userName eq "..."`); POST: provision one."""
    if request.method == "POST":
        scim_user = services.scim_user_create(
            attributes=resources.user_attributes_from(body_of(request.body)), token=token, request=request
        )
        resource = resources.user_resource(scim_user, request)
        return _answer(resource, 201, Location=resource["meta"]["location"])
    filters = filter_parse(request.GET.get("filter"), attributes=selectors.USER_FILTERS)
    start, count = paging(request.GET.get("startIndex"), request.GET.get("count"))
    found = selectors.scim_users(filters)
    page = list(found[start - 1 : start - 1 + count])
    _audit_read(token, "scim.users_read", request, {"user": [scim_user.user_id for scim_user in page]})
    return _answer(list_response([resources.user_resource(scim_user, request) for scim_user in page],
                                 total=found.count(), start_index=start))  # fmt: skip


@scim_endpoint("GET", "PUT", "PATCH", "DELETE")
def user(request: HttpRequest, token: ApiToken, scim_user_id: str) -> HttpResponse:
    scim_user = selectors.scim_user(scim_user_id)
    if request.method == "DELETE":
        services.scim_user_delete(scim_user=scim_user, token=token, request=request)
        return HttpResponse(status=204)
    if request.method == "GET":
        _audit_read(token, "scim.users_read", request, {"user": [scim_user.user_id]})
    elif request.method == "PUT":
        attributes = resources.user_attributes_from(body_of(request.body))
        scim_user = services.scim_user_update(scim_user=scim_user, attributes=attributes, token=token, request=request)
    else:
        attributes = resources.user_patched(scim_user, operations_of(body_of(request.body)))
        scim_user = services.scim_user_update(scim_user=scim_user, attributes=attributes, token=token, request=request)
    return _answer(resources.user_resource(selectors.scim_user(str(scim_user.scim_id)), request))


# --- groups --------------------------------------------------------------------------------------------------------


def _with_members(request: HttpRequest) -> bool:
    """Entra ID asks for groups with `excludedAttributes=members`."""
    return "members" not in request.GET.get("excludedAttributes", "").replace(" ", "").split(",")


@scim_endpoint("GET", "POST")
def groups(request: HttpRequest, token: ApiToken) -> HttpResponse:
    if request.method == "POST":
        group = services.scim_group_create(
            attributes=resources.group_attributes_from(body_of(request.body)), token=token, request=request
        )
        resource = resources.group_resource(group, request)
        return _answer(resource, 201, Location=resource["meta"]["location"])
    filters = filter_parse(request.GET.get("filter"), attributes=selectors.GROUP_FILTERS)
    start, count = paging(request.GET.get("startIndex"), request.GET.get("count"))
    found = selectors.scim_groups(filters)
    page = list(found[start - 1 : start - 1 + count])
    _audit_read(token, "scim.groups_read", request, {"scim_group": [group.pk for group in page]})
    members = _with_members(request)
    return _answer(list_response([resources.group_resource(group, request, members=members) for group in page],
                                 total=found.count(), start_index=start))  # fmt: skip


@scim_endpoint("GET", "PUT", "PATCH", "DELETE")
def group(request: HttpRequest, token: ApiToken, scim_group_id: str) -> HttpResponse:
    group = selectors.scim_group(scim_group_id)
    if request.method == "DELETE":
        services.scim_group_delete(group=group, token=token, request=request)
        return HttpResponse(status=204)
    if request.method == "GET":
        _audit_read(token, "scim.groups_read", request, {"scim_group": [group.pk]})
        return _answer(resources.group_resource(group, request, members=_with_members(request)))
    if request.method == "PUT":
        attributes = resources.group_attributes_from(body_of(request.body))
    else:
        attributes = resources.group_patched(group, operations_of(body_of(request.body)))
    group = services.scim_group_update(group=group, attributes=attributes, token=token, request=request)
    return _answer(resources.group_resource(group, request))
