"""The company REST API: visitors, visits with their transitions, hosts, parcels. Thin: parse, call a service,
render."""

from collections.abc import Callable
from typing import Any, cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from shared_apps.accounts.models import User
from shared_apps.api_tokens.authentication import ApiTokenAuthentication
from shared_apps.operations.api_input import CONFLICT
from tenant_apps.api.permissions import IsCompanyStaff, actor_label
from tenant_apps.api.selectors import visits_filtered
from tenant_apps.api.serializers import (
    HostSerializer,
    ParcelFilterSerializer,
    ParcelSerializer,
    VisitCreateSerializer,
    VisitDetailsRequestSerializer,
    VisitFilterSerializer,
    VisitorSerializer,
    VisitSerializer,
    VisitUpdateSerializer,
)
from tenant_apps.parcels.models import Parcel
from tenant_apps.parcels.selectors import parcels_filtered, parcels_visible_to
from tenant_apps.visits.access import (
    hosts_visible_to,
    may_list_hosts,
    may_list_visitors,
    visitors_editable_by,
    visitors_visible_to,
    visits_of,
    visits_visible_to,
)
from tenant_apps.visits.models import Host, Visit, Visitor
from tenant_apps.visits.self_registration import DetailsRequest, visit_details_request
from tenant_apps.visits.series import visit_series_cancel_rest, visit_series_register
from tenant_apps.visits.services import (
    Actor,
    SeriesPattern,
    VisitorDetails,
    VisitorRefused,
    VisitStateError,
    visit_cancel,
    visit_check_in,
    visit_check_out,
    visit_mark_no_show,
    visit_register,
    visit_reschedule,
    visit_update_details,
    visitor_details_of,
    visitor_find_or_create,
    visitor_update,
)


class TransitionRefused(APIException):
    """A change the visit's state does not allow (checking out a visit never checked in, say): a conflict with
    what is stored, not a malformed request, so 409."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This change of state is not allowed.")
    default_code = "transition_refused"


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        """A page size that is no whole number of at least 1 is a 400 on `page_size`, not silently the default;
        more than 200 gives pages of 200 (the answer's `next` says there is more); empty is the default, as an
        empty `page` is the first page."""
        if not request.query_params.get(self.page_size_query_param):
            return self.page_size
        try:
            size = serializers.IntegerField(min_value=1).run_validation(
                request.query_params[self.page_size_query_param]
            )
        except ValidationError as error:
            raise ValidationError({self.page_size_query_param: error.detail}) from None
        return min(int(size), self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page, {self.page_size} if not given; at most {self.max_page_size}."
                )
        return parameters


class CompanyApi(viewsets.GenericViewSet):
    """Token or portal session of this company's staff; everything else is 401, another company's ids 404."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsCompanyStaff]
    pagination_class = Pages

    def actor(self) -> Actor:
        return Actor(label=actor_label(self.request), channel=Visit.Channel.API, user=cast(User, self.request.user))


@extend_schema_view(
    list=extend_schema(summary="List visitors"),
    retrieve=extend_schema(summary="Get a visitor"),
    create=extend_schema(
        summary="Create a visitor, or find the company's person with this e-mail address",
        description=(
            "A person is one per company, recognised by their e-mail address trimmed and lower-cased. When the "
            "company already has this address, that person is answered with 200: their stored details are kept, "
            "blanks only are filled in (correct them with PATCH). A new person is answered with 201. Someone who "
            "objected or whose processing is restricted is refused with 400 on `email`."
        ),
        responses={201: VisitorSerializer, 200: VisitorSerializer},
    ),
    partial_update=extend_schema(summary="Correct a visitor's details"),
    update=extend_schema(summary="Replace a visitor's details"),
)
class VisitorApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyApi):
    """The portal's visitor rule (visits.access): a member opens the visitors of the visits they see and corrects
    those of their own open visits, but lists none (no people search for them): 404, as the portal answers."""

    serializer_class = VisitorSerializer

    def get_queryset(self) -> QuerySet[Visitor]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular inspecting the view: no user
            return Visitor.objects.none()
        user = cast(User, self.request.user)
        if self.action == "list" and not may_list_visitors(user):
            raise NotFound
        editing = self.action in ("update", "partial_update")
        visitors = visitors_editable_by(user) if editing else visitors_visible_to(user)
        return visitors.order_by("last_name", "first_name", "id")

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {name: serializer.validated_data.get(name, "") for name in VisitorSerializer.Meta.fields[1:]}
        data["language"] = data["language"] or "en"
        try:
            with transaction.atomic():
                found = visitor_find_or_create(details=VisitorDetails(**data), actor=actor_label(request))
        except VisitorRefused as refused:
            raise ValidationError({"email": [str(refused)]}) from refused
        answer = status.HTTP_201_CREATED if found.created else status.HTTP_200_OK
        return Response(VisitorSerializer(found.visitor).data, status=answer)

    def update(self, request: Request, pk: str | None = None, partial: bool = False) -> Response:
        visitor = self.get_object()
        serializer = self.get_serializer(visitor, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        visitor = visitor_update(visitor=visitor, details=visitor_details_of(visitor, **serializer.validated_data))
        return Response(VisitorSerializer(visitor).data)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self.update(request, pk, partial=True)


@extend_schema_view(
    list=extend_schema(summary="List hosts"),
    retrieve=extend_schema(summary="Get a host"),
)
class HostApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyApi):
    """Hosts for those who manage them (visits.access): a member gets 404, as on the portal's /hosts/."""

    serializer_class = HostSerializer

    def get_queryset(self) -> QuerySet[Host]:
        if getattr(self, "swagger_fake_view", False):
            return Host.objects.none()
        user = cast(User, self.request.user)
        if not may_list_hosts(user):
            raise NotFound
        return hosts_visible_to(user).order_by("name", "id")


@extend_schema_view(
    list=extend_schema(summary="List parcels", parameters=[ParcelFilterSerializer]),
    retrieve=extend_schema(summary="Get a parcel"),
)
class ParcelApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyApi):
    """Parcels the building's desk received, newest first, read only (the desk records them): the portal's rule, an
    admin every one, a member those of the host linked to them."""

    serializer_class = ParcelSerializer

    def get_queryset(self) -> QuerySet[Parcel]:
        if getattr(self, "swagger_fake_view", False):
            return Parcel.objects.none()
        parcels = parcels_visible_to(user=cast(User, self.request.user))
        if self.action != "list":
            return parcels
        filters = ParcelFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return parcels_filtered(parcels, waiting=filters.validated_data["waiting"])


def _series_first_day(*, pattern: SeriesPattern, actor: Actor, **registration: Any) -> Visit:
    """Register a visit over several days (visits/series.py); the API answers with its first day, its code in clear."""
    return visit_series_register(pattern=pattern, actor=actor, **registration)


@extend_schema_view(
    list=extend_schema(summary="List visits", parameters=[VisitFilterSerializer]),  # the filters as they are read
    retrieve=extend_schema(summary="Get a visit"),
    create=extend_schema(
        summary="Register a visit",
        description=(
            "Refused with 400, field by field, in the language of `Accept-Language`: an `expected_start` on a day "
            "that is past (the company's time zone) or an `expected_end` already past (no invitation leaves for "
            "them), and a `visitor` who objected or whose processing is restricted."
        ),
        request=VisitCreateSerializer,
        responses={201: VisitSerializer},
        extensions=CONFLICT,
    ),
    partial_update=extend_schema(
        summary="Change a visit's host, purpose or times",
        description="New times in the past are refused with 400, as when registering.",
        request=VisitUpdateSerializer,
        responses={200: VisitSerializer},
        extensions=CONFLICT,
    ),
    update=extend_schema(
        summary="Change a visit", request=VisitUpdateSerializer, responses={200: VisitSerializer}, extensions=CONFLICT
    ),
)
class VisitApi(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyApi):
    serializer_class = VisitSerializer

    def get_queryset(self) -> QuerySet[Visit]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular inspecting the view: no user
            return Visit.objects.none()
        # The portal's rule: a member reads their own visits and today's, and changes only their own.
        user = self.request.user
        readable = self.action in ("list", "retrieve")
        allowed = visits_visible_to(user=user) if readable else visits_of(user=user)  # type: ignore[arg-type]
        if self.action != "list":
            return allowed
        filters = VisitFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return visits_filtered(**filters.validated_data).filter(pk__in=allowed.values("pk"))

    def create(self, request: Request) -> Response:
        serializer = VisitCreateSerializer(data=request.data, context={"user": request.user})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        series = data.pop("series")
        if series is None:
            visit = self._transition(visit_register, **data)
        else:
            visit = self._transition(_series_first_day, pattern=series, **data)
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str | None = None, partial: bool = False) -> Response:
        visit = self.get_object()
        serializer = VisitUpdateSerializer(visit, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        visit = self._transition(self._change, visit=visit, data=data)
        return Response(VisitSerializer(visit).data)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self.update(request, pk, partial=True)

    @staticmethod
    @transaction.atomic
    def _change(*, visit: Visit, data: dict[str, Any], actor: Actor) -> Visit:
        """Times move by `visit_reschedule`, host and purpose by `visit_update_details`: the portal's rules."""
        if "expected_start" in data or "expected_end" in data:
            visit = visit_reschedule(
                visit=visit, actor=actor,
                expected_start=data.get("expected_start", visit.expected_start),
                expected_end=data.get("expected_end", visit.expected_end),
            )  # fmt: skip
        if "host" in data or "purpose" in data:
            visit = visit_update_details(
                visit=visit, actor=actor, visitor=visitor_details_of(visit.visitor),
                host=data.get("host", visit.host), purpose=data.get("purpose", visit.purpose),
            )  # fmt: skip
        return visit

    def _transition(self, service: Callable[..., Visit], **kwargs: Any) -> Visit:
        try:
            return service(actor=self.actor(), **kwargs)
        except VisitStateError as exc:
            raise TransitionRefused(str(exc)) from exc

    def _act(self, service: Callable[..., Visit]) -> Response:
        visit = self._transition(service, visit=self.get_object())
        return Response(VisitSerializer(Visit.objects.select_related("visitor").get(pk=visit.pk)).data)

    @extend_schema(
        summary="Register a visit whose visitor fills in their own details",
        description="Only the visitor's e-mail address and the visit are given: the visitor is sent a single-use "
        "link (valid 14 days, and not after the visit) to fill in their name, company and language, and their "
        "licence plate when the building asks for it; their invitation with the code follows. Until then the "
        "visit answers `details_awaited: true`. A person already known by this address is reused.",
        request=VisitDetailsRequestSerializer, responses={201: VisitSerializer},
    )  # fmt: skip
    @action(detail=False, methods=["post"], url_path="ask-details")
    def ask_details(self, request: Request) -> Response:
        serializer = VisitDetailsRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        visit = self._transition(visit_details_request, request=DetailsRequest(**serializer.validated_data))
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Check the visitor in", request=None, responses={200: VisitSerializer}, extensions=CONFLICT)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        return self._act(visit_check_in)

    @extend_schema(summary="Check the visitor out", request=None, responses={200: VisitSerializer}, extensions=CONFLICT)
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request: Request, pk: str | None = None) -> Response:
        return self._act(visit_check_out)

    @extend_schema(summary="Cancel the visit", request=None, responses={200: VisitSerializer}, extensions=CONFLICT)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._act(visit_cancel)

    @extend_schema(
        summary="Cancel this day of a visit over several days and every later day still expected",
        description="One message tells the visitor of all the days. 404 for a visit that is not part of a series; "
        "409 when no day from this one on is still expected. The answer lists the days cancelled.",
        request=None, responses={200: VisitSerializer(many=True)}, extensions=CONFLICT,
    )  # fmt: skip
    @action(detail=True, methods=["post"], url_path="cancel-rest", pagination_class=None)  # a plain list of days
    def cancel_rest(self, request: Request, pk: str | None = None) -> Response:
        visit = self.get_object()
        if visit.series_id is None:
            raise NotFound
        try:
            cancelled = visit_series_cancel_rest(visit=visit, actor=self.actor())
        except VisitStateError as exc:
            raise TransitionRefused(str(exc)) from exc
        days = Visit.objects.select_related("visitor", "series").filter(pk__in=[day.pk for day in cancelled])
        return Response(VisitSerializer(days.order_by("expected_start"), many=True).data)

    @extend_schema(
        summary="Mark the visitor as a no-show", request=None, responses={200: VisitSerializer}, extensions=CONFLICT
    )
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request: Request, pk: str | None = None) -> Response:
        return self._act(visit_mark_no_show)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return VisitSerializer
