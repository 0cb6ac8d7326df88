"""The provisioning API: buildings and companies, for IT automation. Thin: parse, call a service, answer."""

from typing import Any

from django.http import Http404, QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.accounts.models import User
from shared_apps.api_tokens.authentication import ApiTokenAuthentication
from shared_apps.console.access import access_building, access_company, access_desk_account
from shared_apps.console.api.idempotent import existing_building, existing_company
from shared_apps.console.api.permissions import IsPlatformIT, api_actor, http_request
from shared_apps.console.api.serializers import (
    BUILDING_SETTINGS,
    BuildingCreateSerializer,
    BuildingSerializer,
    BuildingUpdateSerializer,
    CompanyCreateSerializer,
    CompanyCreateUploadSerializer,
    CompanySerializer,
    CompanyUpdateSerializer,
    CompanyUpdateUploadSerializer,
    DeskAccountInviteSerializer,
    DeskAccountSerializer,
)
from shared_apps.console.selectors import buildings_all, companies_all
from shared_apps.operations.api_input import CONFLICT
from shared_apps.provisioning.buildings import building_archive, building_update
from shared_apps.provisioning.companies import (
    company_provision,
    company_reactivate,
    company_remove,
    company_suspend,
    company_update,
)
from shared_apps.provisioning.desk_staff import (
    building_provision,
    desk_staff_deactivate,
    desk_staff_invite,
    desk_staff_of,
)
from shared_apps.tenancy.models import Building, Tenant

# A service's refusal (django.core.exceptions.ValidationError) is a 400 with its field messages, a Conflict
# with what is stored a 409: see checkin.api_errors, the APIs' exception handler.


class ITOnlyView(APIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsPlatformIT]


class CompanyView(ITOnlyView):
    """Company writes also take multipart, to upload a logo. Its fields are read as JSON ones are: an empty
    value is checked like any other, where DRF would read it as left out (the way of HTML forms)."""

    parser_classes = [JSONParser, MultiPartParser]

    def payload(
        self, request: Request, serializer: type[serializers.Serializer], upload: type[serializers.Serializer]
    ) -> dict[str, Any]:
        """The request's fields checked by `serializer`, or by `upload` (which takes the logo) for multipart."""
        data = request.data
        payload = upload(data=data.dict()) if isinstance(data, QueryDict) else serializer(data=data)
        payload.is_valid(raise_exception=True)
        return payload.validated_data


# What `<slug:slug>` in the URL accepts; anything else is not a route (404).
SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$")


# What a DELETE answered 2xx for is gone from the API: its URI, and every URI below it, answer 404 as one that
# never existed would (HTTP's DELETE; the stateful fuzz test checks it). The lists still show it, with the state
# that says why (`archived_at`, `status`, `is_active`), as the DELETE's own answer did.
def _building(slug: str) -> Building:
    building = access_building(slug=slug)
    if building.archived_at is not None:
        raise Http404
    return building


def _desk_account(building: Building, user_id: int) -> User:
    user = access_desk_account(building=building, user_id=user_id)
    if not user.is_active:
        raise Http404
    return user


def _company(slug: str) -> Tenant:
    company = access_company(slug=slug)
    if company.status == Tenant.Status.REMOVED:
        raise Http404
    return company


class BuildingListView(ITOnlyView):
    @extend_schema(responses=BuildingSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(BuildingSerializer(buildings_all(), many=True).data)

    @extend_schema(
        request=BuildingCreateSerializer,
        responses={200: BuildingSerializer, 201: BuildingSerializer},
        extensions=CONFLICT,
    )
    def post(self, request: Request) -> Response:
        """Create a building, with `desk_email` inviting its first desk account; sending the same request again
        returns it with 200 and creates (and sends) nothing."""
        payload = BuildingCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(payload.validated_data)
        desk_email = data.pop("desk_email", "")  # not a property of the building: no conflict when it differs
        building = existing_building(data)
        if building is not None:
            return Response(BuildingSerializer(building).data, status=status.HTTP_200_OK)
        building = building_provision(actor=api_actor(request), desk_email=desk_email, request=http_request(request),
                                      **data)  # fmt: skip
        return Response(BuildingSerializer(building).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[SLUG])
class BuildingDetailView(ITOnlyView):
    @extend_schema(responses=BuildingSerializer)
    def get(self, request: Request, slug: str) -> Response:
        return Response(BuildingSerializer(_building(slug)).data)

    @extend_schema(request=BuildingUpdateSerializer, responses=BuildingSerializer, extensions=CONFLICT)
    def patch(self, request: Request, slug: str) -> Response:
        building = _building(slug)
        payload = BuildingUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields: dict[str, Any] = {name: getattr(building, name) for name in BUILDING_SETTINGS}
        fields.update(payload.validated_data)
        fields["timezone_name"] = fields.pop("timezone")
        building = building_update(building=building, actor=api_actor(request), request=http_request(request), **fields)
        return Response(BuildingSerializer(building).data)

    @extend_schema(responses={200: BuildingSerializer}, extensions=CONFLICT)
    def delete(self, request: Request, slug: str) -> Response:
        """Archive the building (it must hold no active or suspended company): its URIs answer 404 from then on."""
        building = building_archive(building=_building(slug), actor=api_actor(request), request=http_request(request))
        return Response(BuildingSerializer(building).data)


@extend_schema(parameters=[SLUG])
class DeskStaffListView(ITOnlyView):
    @extend_schema(responses=DeskAccountSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        """The building's desk accounts, active first."""
        return Response(DeskAccountSerializer(desk_staff_of(building=_building(slug)), many=True).data)

    @extend_schema(
        request=DeskAccountInviteSerializer,
        responses={200: DeskAccountSerializer, 201: DeskAccountSerializer},
        extensions=CONFLICT,
    )
    def post(self, request: Request, slug: str) -> Response:
        """Invite someone to the building's desk: they get a link to choose a password on the desk's host.

        An address that already has a desk account gets the link again (200); a deactivated one is active again
        and must choose a new password through the link.
        """
        building = _building(slug)
        payload = DeskAccountInviteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user, created = desk_staff_invite(building=building, actor=api_actor(request), request=http_request(request),
                                          **payload.validated_data)  # fmt: skip
        return Response(
            DeskAccountSerializer(user).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


@extend_schema(parameters=[SLUG])
class DeskStaffDetailView(ITOnlyView):
    @extend_schema(responses=DeskAccountSerializer)
    def get(self, request: Request, slug: str, user_id: int) -> Response:
        building = _building(slug)
        return Response(DeskAccountSerializer(_desk_account(building, user_id)).data)

    @extend_schema(responses={200: DeskAccountSerializer}, extensions=CONFLICT)
    def delete(self, request: Request, slug: str, user_id: int) -> Response:
        """Deactivate the account: its sessions end at once and it can no longer sign in; its URI answers 404 from
        then on, until it is invited again."""
        building = _building(slug)
        user = desk_staff_deactivate(building=building, user=_desk_account(building, user_id),
                                     actor=api_actor(request), request=http_request(request))  # fmt: skip
        return Response(DeskAccountSerializer(user).data)


class CompanyListView(CompanyView):
    @extend_schema(responses=CompanySerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(CompanySerializer(companies_all(), many=True).data)

    @extend_schema(
        request={"application/json": CompanyCreateSerializer, "multipart/form-data": CompanyCreateUploadSerializer},
        responses={200: CompanySerializer, 201: CompanySerializer},
        extensions=CONFLICT,
    )
    def post(self, request: Request) -> Response:
        """Provision a company; sending the same request again returns it with 200 and creates nothing."""
        data = self.payload(request, CompanyCreateSerializer, CompanyCreateUploadSerializer)
        company = existing_company(data)
        if company is not None:
            return Response(CompanySerializer(company).data, status=status.HTTP_200_OK)
        company = company_provision(actor=api_actor(request), request=http_request(request), **data)
        return Response(CompanySerializer(company).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[SLUG])
class CompanyDetailView(CompanyView):
    @extend_schema(responses=CompanySerializer)
    def get(self, request: Request, slug: str) -> Response:
        return Response(CompanySerializer(_company(slug)).data)

    @extend_schema(
        request={"application/json": CompanyUpdateSerializer, "multipart/form-data": CompanyUpdateUploadSerializer},
        responses=CompanySerializer,
        extensions=CONFLICT,
    )
    def patch(self, request: Request, slug: str) -> Response:
        """Change the name, custom domain or logo; `status` suspends or reactivates."""
        company = _company(slug)
        data = self.payload(request, CompanyUpdateSerializer, CompanyUpdateUploadSerializer)
        actor, http = api_actor(request), http_request(request)
        if {"name", "custom_domain", "logo"} & data.keys():
            current = next((d.domain for d in company.domains.all() if not d.is_primary), "")
            company = company_update(
                company=company, actor=actor, name=data.get("name", company.name),
                custom_domain=data.get("custom_domain", current), logo=data.get("logo"),
                logo_clear="logo" in data and data["logo"] is None, request=http,
            )  # fmt: skip
        wanted = data.get("status")
        if wanted == Tenant.Status.SUSPENDED and company.status == Tenant.Status.ACTIVE:
            company = company_suspend(company=company, actor=actor, request=http)
        elif wanted == Tenant.Status.ACTIVE and company.status == Tenant.Status.SUSPENDED:
            company = company_reactivate(company=company, actor=actor, request=http)
        return Response(CompanySerializer(company).data)

    @extend_schema(responses={200: CompanySerializer}, extensions=CONFLICT)
    def delete(self, request: Request, slug: str) -> Response:
        """Remove the company: its hosts and its URI 404 at once, its schema is dropped after the grace period."""
        company = company_remove(company=_company(slug), actor=api_actor(request), request=http_request(request))
        return Response(CompanySerializer(company).data)
