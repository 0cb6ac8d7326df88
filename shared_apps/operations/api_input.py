"""JSON input taken as its schema types it: DRF would read `0` as the string "0", `"1"` as the number 1 and
`"yes"` as true, which the OpenAPI schema calls invalid. A client that sends the wrong type gets a 400 on that
field instead of a value it did not mean."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# `extend_schema(extensions=CONFLICT)` marks an operation that can be refused because of the state it finds
# (a visit already checked out, a slug taken): the OpenAPI hook (checkin.openapi) documents its 409.
CONFLICT = {"x-conflict": True}

# The JSON type each kind of field takes; the first match in this order decides (a ChoiceField is no CharField).
# Dates and times are left to their fields, which refuse anything but a string in their own words.
_TYPES: list[tuple[type[serializers.Field], tuple[type, ...], Any]] = [
    (serializers.BooleanField, (bool,), _("Must be true or false.")),
    (serializers.IntegerField, (int,), _("Must be a whole number.")),
    (serializers.PrimaryKeyRelatedField, (int,), _("Must be an id (a whole number).")),
    (serializers.CharField, (str,), _("Must be a string.")),
    (serializers.ListField, (list,), _("Must be a list.")),
]


def _type_error(field: serializers.Field, value: Any) -> Any:
    if value is None:  # `null` is judged by allow_null, as DRF does
        return None
    for kind, types, message in _TYPES:
        if isinstance(field, kind):
            wrong = not isinstance(value, types) or (bool not in types and isinstance(value, bool))
            return message if wrong else None
    return None


class JsonTypes(serializers.Serializer):
    """Mix into an input serializer: a JSON body's values must have the field's JSON type. Multipart forms,
    which carry only strings, are read as DRF reads them."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and not hasattr(data, "getlist"):
            errors = {
                name: [message]
                for name, field in self.fields.items()
                if name in data and not field.read_only and (message := _type_error(field, data[name]))
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
