"""Shapes of the company API. They validate input; the rules live in the services."""

import datetime as dt
import re
from typing import Any

import phonenumbers
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shared_apps.operations.api_input import JsonTypes
from shared_apps.tenancy.text import NameField, NameSerializerField
from tenant_apps.parcels.models import Parcel
from tenant_apps.visits.access import visitors_usable_by
from tenant_apps.visits.models import LANGUAGE_CHOICES, Host, Visit, Visitor, VisitSeries
from tenant_apps.visits.selectors import visitors_with_email
from tenant_apps.visits.series import (
    SERIES_MAX_DAYS,
    SERIES_MAX_SPAN_DAYS,
    WORKING_DAYS,
    series_problems,
    weekdays_clean,
)
from tenant_apps.visits.services import (
    OBJECTED_MESSAGE,
    TAKEN_EMAIL_MESSAGE,
    SeriesPattern,
    VisitorRefused,
    visit_times_past,
    visitor_objected,
    visitor_refusal_for_email,
    visitor_refuse_if_unusable,
)


# A phone number phonenumbers takes as valid (a national one read as Belgian), or empty; answered in E.164.
# No pattern can say which numbers exist, so the schema names the rule as a format of its own.
@extend_schema_field(
    {"type": "string", "format": "phone", "pattern": "[0-9]", "maxLength": 20, "example": "+3225551234",
     "description": "A valid phone number, or empty; a national number is read as Belgian. Answered in E.164."}
)  # fmt: skip
class PhoneField(serializers.CharField):
    pass


class VisitorSerializer(JsonTypes, serializers.ModelSerializer[Visitor]):
    # Names are cleaned of control characters before "required" and the length are checked (shared_apps.tenancy.text).
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, NameField: NameSerializerField}
    phone = PhoneField(max_length=20, allow_blank=True, required=False)

    class Meta:
        model = Visitor
        fields = ["id", "first_name", "last_name", "email", "phone", "company_name", "language"]
        # Blank in the table only while a visitor has still to fill in their own details (`visits/ask-details/`).
        extra_kwargs = {name: {"required": True, "allow_blank": False} for name in ("first_name", "last_name")}

    def validate_email(self, value: str) -> str:
        if visitor_objected(value):
            raise serializers.ValidationError(str(OBJECTED_MESSAGE))
        if self.instance is not None and value.strip():  # a correction may not take another person's address
            others = visitors_with_email(value).exclude(pk=self.instance.pk)
            if others.exists():
                raise serializers.ValidationError(str(TAKEN_EMAIL_MESSAGE))
        return value

    def validate_phone(self, value: str) -> str:
        """Phones are stored in E.164 (+3225551234); a national number is read as Belgian."""
        if not value:
            return value
        try:
            number = phonenumbers.parse(value, "BE")
        except phonenumbers.NumberParseException as exc:
            raise serializers.ValidationError(_("Enter a valid phone number, e.g. +32 2 555 12 34.")) from exc
        if not phonenumbers.is_valid_number(number):
            raise serializers.ValidationError(_("Enter a valid phone number, e.g. +32 2 555 12 34."))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class VisitorSummarySerializer(serializers.ModelSerializer[Visitor]):
    class Meta:
        model = Visitor
        fields = ["id", "first_name", "last_name", "company_name"]


class HostSerializer(serializers.ModelSerializer[Host]):
    class Meta:
        model = Host
        fields = ["id", "name", "email", "notify_by", "is_active"]


class ParcelSerializer(serializers.ModelSerializer[Parcel]):
    host_name = serializers.CharField(source="host.name", read_only=True, help_text="The recipient's name.")
    label_photo = serializers.BooleanField(
        source="has_label_photo", read_only=True,
        help_text="Whether the desk took a photo of the label (shown on the portal's page of the parcel).",
    )  # fmt: skip
    picked_up_by = serializers.CharField(read_only=True, help_text="Who collected it; empty while it waits.")

    class Meta:
        model = Parcel
        fields = ["id", "host", "host_name", "carrier", "tracking_reference", "items", "received_at", "picked_up_at",
                  "picked_up_by", "label_photo"]  # fmt: skip
        read_only_fields = fields


class ParcelFilterSerializer(serializers.Serializer[None]):
    """Query parameters of the parcel list."""

    waiting = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="true: only the parcels still waiting at the desk; false: only those collected.",
    )  # fmt: skip


class VisitSeriesSerializer(serializers.ModelSerializer[VisitSeries]):
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7), source="iso_weekdays", read_only=True,
        help_text="ISO weekdays the series falls on: 1 Monday to 7 Sunday.",
    )  # fmt: skip

    class Meta:
        model = VisitSeries
        fields = ["id", "first_day", "last_day", "weekdays"]
        read_only_fields = fields


class VisitSerializer(serializers.ModelSerializer[Visit]):
    visitor = VisitorSummarySerializer(read_only=True)
    series = VisitSeriesSerializer(
        read_only=True, allow_null=True,
        help_text="For one day of a visit over several days: its series (list its days with `?series=<id>`); "
        "null for a single visit.",
    )  # fmt: skip
    code = serializers.CharField(
        read_only=True,
        help_text="The visit's code for the kiosk, in the answer that registers the visit only (the invitation "
        "e-mail carries a fresh one); empty in every other answer, since only its digest is stored.",
    )

    details_awaited = serializers.SerializerMethodField(
        help_text="True while the visitor has still to fill in their own details through the link they were sent "
        "(`POST /visits/ask-details/`); their invitation follows once they have."
    )

    class Meta:
        model = Visit
        fields = [
            "id", "visitor", "host", "expected_start", "expected_end", "purpose", "state",
            "checked_in_at", "checked_out_at", "channel", "code", "series", "details_awaited", "licence_plate",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_details_awaited(self, visit: Visit) -> bool:
        return visit.details_requested_at is not None


YEARS_2000_TO_2099 = r"^20[0-9]{2}-"


@extend_schema_field(
    {"type": "string", "format": "date-time", "pattern": YEARS_2000_TO_2099,
     "description": "ISO 8601, in the years 2000 to 2099."}
)  # fmt: skip
class VisitTimeField(serializers.DateTimeField):
    """When a visit starts or ends: written in the years 2000 to 2099. Other years are typing errors, and
    before 1892 Brussels' offset has seconds, which an RFC 3339 date-time (what the API answers) cannot carry."""

    def to_internal_value(self, value: Any) -> dt.datetime:
        if not isinstance(value, str) or not re.match(YEARS_2000_TO_2099, value):
            raise serializers.ValidationError(_("Enter a time in the years 2000 to 2099."))
        return super().to_internal_value(value)


def _check_times(attrs: dict[str, Any], visit: Visit | None = None) -> None:
    """The times of a new visit, or the new times of a moved one: not in the past, departure after arrival."""
    past = visit_times_past(attrs.get("expected_start"), attrs.get("expected_end"))
    if past:
        raise serializers.ValidationError({name: [message] for name, message in past.items()})
    start = attrs.get("expected_start", visit.expected_start if visit else None)
    end = attrs.get("expected_end", visit.expected_end if visit else None)
    if start and end and end < start:
        raise serializers.ValidationError({"expected_end": [_("The departure must be after the arrival.")]})


class UsableVisitorField(serializers.PrimaryKeyRelatedField):
    """A visitor the requesting user may register a visit for (visits.access); any other id reads as unknown."""

    def get_queryset(self) -> QuerySet[Visitor]:
        user = self.context.get("user")
        return visitors_usable_by(user) if user is not None else Visitor.objects.none()


class VisitCreateSerializer(JsonTypes, serializers.Serializer[Visit]):
    visitor = UsableVisitorField(queryset=Visitor.objects.all())  # narrowed per request by get_queryset
    host = serializers.PrimaryKeyRelatedField(
        queryset=Host.objects.filter(is_active=True), allow_null=True, required=False, default=None
    )
    expected_start = VisitTimeField()
    expected_end = VisitTimeField()
    purpose = NameSerializerField(max_length=200, allow_blank=True, required=False, default="")  # cleaned
    last_day = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text=f"For a visit over several days: its last day (YYYY-MM-DD). One visit is registered on each of "
        f"`weekdays` from the arrival's day to this one, at the same times, sharing one code and one invitation; "
        f"at most {SERIES_MAX_SPAN_DAYS} days and {SERIES_MAX_DAYS} visits. The answer is the first day.",
    )  # fmt: skip
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7), required=False, min_length=1, max_length=7,
        help_text="With `last_day`: the ISO weekdays, 1 Monday to 7 Sunday; Monday to Friday when not given.",
    )  # fmt: skip

    def validate_visitor(self, visitor: Visitor) -> Visitor:
        """Someone who objected or whose processing is restricted gets no new visit: 400 on `visitor`."""
        try:
            visitor_refuse_if_unusable(visitor)
        except VisitorRefused as refused:
            raise serializers.ValidationError(str(refused)) from refused
        return visitor

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_times(attrs)
        last_day, weekdays = attrs.pop("last_day", None), attrs.pop("weekdays", None)
        start, end = attrs["expected_start"], attrs["expected_end"]
        attrs["series"] = None
        if last_day is not None and last_day != timezone.localdate(start):
            days = weekdays_clean(weekdays) if weekdays else WORKING_DAYS
            problems = series_problems(start=start, end=end, last_day=last_day, weekdays=days)
            if problems:
                raise serializers.ValidationError({name: [message] for name, message in problems.items()})
            attrs["series"] = SeriesPattern(last_day=last_day, weekdays=days)
        elif weekdays and last_day is None:
            raise serializers.ValidationError({"weekdays": [_("Weekdays need a last day.")]})
        return attrs


class VisitDetailsRequestSerializer(JsonTypes, serializers.Serializer[Visit]):
    """A visit whose visitor fills in their own details: their address, the e-mail's language and the visit."""

    email = serializers.EmailField(max_length=254, help_text="Where the visitor gets the link to their details.")
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, help_text="The language of the e-mail and page.")
    host = serializers.PrimaryKeyRelatedField(
        queryset=Host.objects.filter(is_active=True), allow_null=True, required=False, default=None
    )
    expected_start = VisitTimeField()
    expected_end = VisitTimeField()
    purpose = NameSerializerField(max_length=200, allow_blank=True, required=False, default="")  # cleaned

    def validate_email(self, value: str) -> str:
        """Someone who objected or whose processing is restricted gets no new visit: 400 on `email`."""
        refusal = visitor_refusal_for_email(value)
        if refusal:
            raise serializers.ValidationError(refusal)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_times(attrs)
        return attrs


class VisitUpdateSerializer(JsonTypes, serializers.Serializer[Visit]):
    host = serializers.PrimaryKeyRelatedField(
        queryset=Host.objects.filter(is_active=True), allow_null=True, required=False
    )
    expected_start = VisitTimeField(required=False)
    expected_end = VisitTimeField(required=False)
    purpose = NameSerializerField(max_length=200, allow_blank=True, required=False)  # cleaned

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_times(attrs, self.instance)
        return attrs


class VisitFilterSerializer(serializers.Serializer[None]):
    """Query parameters of the visit list."""

    date_from = serializers.DateField(required=False, help_text="Visits expected on or after this day (YYYY-MM-DD).")
    date_to = serializers.DateField(required=False, help_text="Visits expected on or before this day (YYYY-MM-DD).")
    state = serializers.ChoiceField(choices=Visit.State.choices, required=False, help_text="Only visits in this state.")
    host = serializers.IntegerField(required=False, min_value=1, help_text="Only visits to this host (its id).")
    series = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Only the days of this visit over several days."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "date_from" in attrs and "date_to" in attrs and attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": [_("The end of the range must not be before its start.")]})
        return attrs
