"""How the REST APIs answer when a service refuses."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shared_apps.tenancy.conflicts import Conflict


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """A service's ValidationError (its own rules, or its model's `full_clean`) is a 400 with the field messages
    the pages show, like a serializer's, except a `Conflict` with what is stored (a slug taken), a 409 whose
    `detail` says why, beside the same field messages; anything else is answered as DRF answers it (a 500 stays
    a 500)."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        if isinstance(exc, Conflict):
            return Response({"detail": " ".join(exc.messages), "code": "conflict", **detail}, status.HTTP_409_CONFLICT)
        exc = serializers.ValidationError(detail)
    return drf_exception_handler(exc, context)
