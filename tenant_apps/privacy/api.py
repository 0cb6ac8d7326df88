"""The retention setting over HTTP: GET to read it with the purge forecast, PUT/PATCH to change it.

Shortening needs `"confirm": true`; without it the answer is 400 with the
number of visits the next purge would delete at the new value.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.accounts.models import User
from tenant_apps.api.authentication import ApiTokenAuthentication
from tenant_apps.privacy.retention import PurgeForecast, purge_forecast, retention_bounds, retention_update
from tenant_apps.visits.selectors import company_settings


class RetentionInput(serializers.Serializer):
    retention_days = serializers.IntegerField()
    confirm = serializers.BooleanField(default=False)

    def validate_retention_days(self, value: int) -> int:
        low, high = retention_bounds()
        if not low <= value <= high:
            raise serializers.ValidationError(f"Choose between {low} and {high} days.")
        return value


def _body(forecast: PurgeForecast) -> dict[str, Any]:
    low, high = retention_bounds()
    return {
        "retention_days": forecast.retention_days,
        "min_days": low,
        "max_days": high,
        "next_purge_at": forecast.next_run_at.isoformat(),
        "next_purge_visits": forecast.visits,
        "next_purge_visitors": forecast.visitors,
    }


@extend_schema_view(
    get=extend_schema(responses=OpenApiTypes.OBJECT),
    put=extend_schema(request=RetentionInput, responses=OpenApiTypes.OBJECT),
    patch=extend_schema(request=RetentionInput, responses=OpenApiTypes.OBJECT),
)
class RetentionAPI(APIView):
    # The company API's tokens work here too; without credentials the answer is 401, not 403.
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if getattr(request.user, "role", None) != User.Role.ADMIN:
            raise NotFound

    def get(self, request: Request) -> Response:
        return Response(_body(purge_forecast()))

    def put(self, request: Request) -> Response:
        data = RetentionInput(data=request.data)
        data.is_valid(raise_exception=True)
        days, confirm = data.validated_data["retention_days"], data.validated_data["confirm"]
        if days < company_settings().retention_days and not confirm:
            forecast = purge_forecast(retention_days=days)
            message = (
                f"Shortening to {days} days deletes {forecast.visits} visits at the next purge "
                f"({forecast.next_run_at.isoformat()}); send confirm=true to go ahead."
            )
            return Response({"confirm": [message], "next_purge_visits": forecast.visits}, status=400)
        try:
            retention_update(retention_days=days, user=request.user, request=request._request)  # type: ignore[arg-type]
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response(_body(purge_forecast()))

    patch = put
