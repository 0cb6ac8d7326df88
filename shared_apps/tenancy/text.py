"""One rule for names typed by people and sent by programs: what cannot be seen is not stored.

Line breaks and tabs become one space; every other control character (C0,
DEL, C1) and the bidirectional embeddings, overrides and isolates, which
reorder what the desk's board and badges show, are removed; leading and
trailing spaces go. Letters, accents, any script and the joiners some
scripts need are kept.

`NameField` applies it on every write of a model (save, create, update,
full_clean); `NameFormField` and `NameSerializerField` apply it to input
first, so that "required" and the maximum length judge what will be stored.
"""

import re
from typing import Any

from django import forms
from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

_BREAKS = re.compile("[\t\n\r\v\f\x1c-\x1f\x85\u2028\u2029]+")
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def text_clean(value: str) -> str:
    """`value` without control characters or direction overrides, breaks as spaces, trimmed."""
    return _INVISIBLE.sub("", _BREAKS.sub(" ", value)).strip()


def _cleaned(value: Any) -> Any:
    return text_clean(value) if isinstance(value, str) else value


class NameFormField(forms.CharField):
    def to_python(self, value: Any) -> Any:
        return _cleaned(super().to_python(value))


# A name someone can see holds at least one character `text_clean` keeps and does not trim.
VISIBLE = r"[^\s\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


class NameSerializerField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        return text_clean(super().to_internal_value(data))

    def run_validation(self, data: Any = serializers.empty) -> Any:
        # The maximum length is the schema's: it counts what was sent, control characters included.
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        # A value that cleans to nothing is judged as empty (required, allow_blank), like a blank one.
        if isinstance(data, str) and not text_clean(data):
            data = ""
        return super().run_validation(data)


class NameSerializerFieldSchema(OpenApiSerializerFieldExtension):
    """The OpenAPI schema of a required name says it must hold something visible, as the server checks."""

    target_class = NameSerializerField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request" and not self.target.allow_blank:
            schema["pattern"] = VISIBLE
        return schema


class NameField(models.CharField):
    """A CharField whose value is cleaned by `text_clean` on every way in.

    It deconstructs as a plain CharField: the column is the same, so no migration follows from using it.
    An expression that mixes it with a plain CharField (say Concat with a Value) needs its output_field
    set, as Django asks for any two field classes.
    """

    def to_python(self, value: Any) -> Any:
        return _cleaned(super().to_python(value))

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = _cleaned(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)  # what the caller shows next is what was stored
        return value

    def get_prep_value(self, value: Any) -> Any:
        return super().get_prep_value(_cleaned(value))

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": NameFormField, **kwargs})

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs
