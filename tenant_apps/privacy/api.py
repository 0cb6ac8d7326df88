"""The retention setting over HTTP: GET to read it with the purge forecast, PUT/PATCH to change it.

Shortening needs `"confirm": true`; without it the answer is 409 (code
`confirmation_needed`) with the number of visits the next purge would delete
at the new value.
"""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.api_tokens.authentication import ApiTokenAuthentication
from shared_apps.operations.api_input import CONFLICT, JsonTypes
from tenant_apps.privacy.access import may_change_retention
from tenant_apps.privacy.retention import PurgeForecast, purge_forecast, retention_bounds, retention_update
from tenant_apps.visits.selectors import company_settings


class RetentionInput(JsonTypes):
    retention_days = serializers.IntegerField(help_text="Days a visit is kept after it ends.")
    confirm = serializers.BooleanField(default=False, help_text="Needed to shorten the period.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The platform's bounds, read when the request (or the schema) is made, so the schema states them.
        low, high = retention_bounds()
        self.fields["retention_days"] = serializers.IntegerField(
            min_value=low, max_value=high, help_text=f"Days a visit is kept after it ends, {low} to {high}."
        )


class RetentionOutput(serializers.Serializer):
    """What GET, PUT and PATCH answer (documentation of `_body`)."""

    retention_days = serializers.IntegerField()
    min_days = serializers.IntegerField()
    max_days = serializers.IntegerField()
    next_purge_at = serializers.DateTimeField()
    next_purge_visits = serializers.IntegerField(help_text="Visits the next purge deletes.")
    next_purge_visitors = serializers.IntegerField(help_text="Visitors the next purge deletes.")


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
    get=extend_schema(responses=RetentionOutput),
    put=extend_schema(request=RetentionInput, responses=RetentionOutput, extensions=CONFLICT),
    patch=extend_schema(request=RetentionInput, responses=RetentionOutput, extensions=CONFLICT),
)
class RetentionAPI(APIView):
    # The company API's tokens work here too; without credentials the answer is 401, not 403.
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not may_change_retention(request.user):  # type: ignore[arg-type]  # anonymous: no role, refused too
            raise NotFound

    def get(self, request: Request) -> Response:
        return Response(_body(purge_forecast()))

    def put(self, request: Request) -> Response:
        return self._change(request, partial=False)

    def patch(self, request: Request) -> Response:
        """Like PUT, but only the fields sent change: without `retention_days` the period stays as it is."""
        return self._change(request, partial=True)

    def _change(self, request: Request, *, partial: bool) -> Response:
        data = RetentionInput(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        days = data.validated_data.get("retention_days", company_settings().retention_days)
        confirm = data.validated_data.get("confirm", False)
        if days < company_settings().retention_days and not confirm:
            forecast = purge_forecast(retention_days=days)
            message = (
                f"Shortening to {days} days deletes {forecast.visits} visits at the next purge "
                f"({forecast.next_run_at.isoformat()}); send confirm=true to go ahead."
            )
            body = {"detail": message, "code": "confirmation_needed", "next_purge_visits": forecast.visits}
            return Response(body, status=status.HTTP_409_CONFLICT)
        retention_update(retention_days=days, user=request.user, request=request._request)  # type: ignore[arg-type]
        return Response(_body(purge_forecast()))
