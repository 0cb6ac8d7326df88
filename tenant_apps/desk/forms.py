"""Input of the desk's pages: board filters, check-in, note, walk-in, block list and parcels."""

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.desk.models import DeskHost
from tenant_apps.desk.selectors import BOARD_STATES, BoardFilters
from tenant_apps.kiosk.block_list import BlockListDetails, block_list_expiry_bounds, block_list_expiry_message
from tenant_apps.kiosk.forms import WalkInDetailsForm
from tenant_apps.parcels.models import MAX_ITEMS
from tenant_apps.parcels.services import ParcelDetails, label_photo_checked
from tenant_apps.visits.models import LANGUAGE_CHOICES, Visit
from tenant_apps.visits.services import VisitorDetails


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or code"), required=False, max_length=100)
    company = forms.ChoiceField(label=_("Company"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args: object, companies: Iterable[tuple[str, str]], **kwargs: object) -> None:
        """`companies`: (slug, name) of each company the board shows, in the order offered."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        company = self.fields["company"]
        state = self.fields["state"]
        assert isinstance(company, forms.ChoiceField) and isinstance(state, forms.ChoiceField)
        company.choices = [("", _("All companies")), *companies]
        labels = dict(Visit.State.choices)
        state.choices = [("", _("All states")), *[(s.value, labels[s.value]) for s in BOARD_STATES]]

    def filters(self) -> BoardFilters:
        if not self.is_valid():
            return BoardFilters()
        data = self.cleaned_data
        return BoardFilters(q=data["q"].strip(), company=data["company"], state=data["state"])


class CheckInForm(forms.Form):
    notice_accepted = forms.BooleanField(
        label=_("The visitor has read and accepted the privacy notice"), required=False
    )
    # Asked only of a person whose processing is restricted (GDPR art. 18(2): processed with their consent).
    restriction_confirmed = forms.BooleanField(
        label=_("The visitor is here in person and agrees that this visit is recorded despite the restriction"),
        required=False,
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_note(self) -> str:
        note: str = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("Write a note first."))
        return note


class WalkInForm(WalkInDetailsForm):
    """The desk's: the visitor's details as at the kiosk, plus the company and host they came to see, their
    language, when they expect to leave, and staff's word that they accepted the privacy notice."""

    field_order = ["company", "host", "first_name", "last_name", "visitor_company", "email", "phone", "language"]

    company = forms.ChoiceField(label=_("Company visited"))
    host = forms.ChoiceField(label=_("Host"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, initial="en")
    expected_end = forms.TimeField(label=_("Expected departure"), widget=forms.TimeInput(attrs={"type": "time"}))
    notice_accepted = forms.BooleanField(
        label=_("The visitor has read and accepted the privacy notice"), required=False
    )

    def __init__(
        self, *args: object, building: Building, companies: list[Tenant], hosts: list[DeskHost], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.building = building
        company = self.fields["company"]
        host = self.fields["host"]
        assert isinstance(company, forms.ChoiceField) and isinstance(host, forms.ChoiceField)
        company.choices = [("", _("Choose a company")), *[(c.slug, c.name) for c in companies]]
        grouped: dict[str, list[tuple[str, str]]] = {}
        for entry in hosts:
            grouped.setdefault(entry.company_name, []).append((f"{entry.company_slug}:{entry.host_id}", entry.name))
        host.choices = [("", _("No host / ask at the desk")), *grouped.items()]
        zone = zoneinfo.ZoneInfo(building.timezone)
        later = timezone.localtime(timezone=zone) + dt.timedelta(hours=2)
        self.fields["expected_end"].initial = later.time().replace(second=0, microsecond=0)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        chosen = data.get("host") or ""
        if chosen and isinstance(chosen, str) and chosen.split(":")[0] != data.get("company"):
            self.add_error("host", _("This host works for another company."))
        return data

    def visitor(self) -> VisitorDetails:
        return self.visitor_details(language=self.cleaned_data["language"])

    def host_id(self) -> int | None:
        chosen = self.cleaned_data.get("host") or ""
        return int(chosen.split(":")[1]) if chosen else None

    def expected_end_at(self) -> dt.datetime:
        zone = zoneinfo.ZoneInfo(self.building.timezone)
        today = timezone.localtime(timezone=zone).date()
        return dt.datetime.combine(today, self.cleaned_data["expected_end"], tzinfo=zone)


class BlockListForm(forms.Form):
    """A block-list entry as the desk types it: the expiry defaults to about six months, a year at most."""

    full_name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))  # fmt: skip
    document_hint = forms.CharField(
        label=_("Identity document hint"), max_length=40, required=False,
        help_text=_("For example the last digits of an identity card, to compare at the desk; never matched."),
    )  # fmt: skip
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    expires_on = forms.DateField(label=_("Expires on"), widget=forms.DateInput(attrs={"type": "date"},
                                                                             format="%Y-%m-%d"))  # fmt: skip

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        earliest, default, latest = block_list_expiry_bounds()
        self.fields["expires_on"].initial = default
        self.fields["expires_on"].widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())

    def clean_expires_on(self) -> dt.date:
        expires_on: dt.date = self.cleaned_data["expires_on"]
        earliest, _default, latest = block_list_expiry_bounds()
        if not earliest <= expires_on <= latest:
            raise forms.ValidationError(block_list_expiry_message())
        return expires_on

    def details(self) -> BlockListDetails:
        data = self.cleaned_data
        return BlockListDetails(
            full_name=data["full_name"], email=data["email"], birth_date=data["birth_date"],
            document_hint=data["document_hint"], reason=data["reason"], expires_on=data["expires_on"],
        )  # fmt: skip


# Offered as suggestions only: any carrier may be typed.
CARRIERS = ["bpost", "DHL", "DPD", "FedEx", "GLS", "PostNL", "UPS"]


class ParcelForm(forms.Form):
    """A delivery as the desk records it: for which host of which company, by whom, how many items, and optionally
    a photo of the label taken with the desk's camera."""

    recipient = forms.ChoiceField(label=_("Recipient"))
    carrier = forms.CharField(label=_("Carrier"), max_length=100,
                              widget=forms.TextInput(attrs={"list": "carriers", "autocomplete": "off"}))  # fmt: skip
    tracking_reference = forms.CharField(label=_("Tracking reference"), max_length=100, required=False,
                                         widget=forms.TextInput(attrs={"autocomplete": "off"}))  # fmt: skip
    items = forms.IntegerField(label=_("Number of items"), min_value=1, max_value=MAX_ITEMS, initial=1)
    label_photo = forms.ImageField(
        label=_("Photo of the label"), required=False,
        help_text=_("JPEG, PNG or WebP, 4 MB at most. On a tablet or phone, this opens the camera."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )  # fmt: skip

    def __init__(self, *args: object, hosts: list[DeskHost], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ChoiceField)
        grouped: dict[str, list[tuple[str, str]]] = {}
        for entry in hosts:
            grouped.setdefault(entry.company_name, []).append((f"{entry.company_slug}:{entry.host_id}", entry.name))
        recipient.choices = [("", _("Choose a recipient")), *grouped.items()]

    def clean_label_photo(self) -> object:
        photo = self.cleaned_data.get("label_photo")
        return label_photo_checked(photo) if photo else None

    def company_slug(self) -> str:
        return str(self.cleaned_data["recipient"]).split(":")[0]

    def details(self) -> ParcelDetails:
        data = self.cleaned_data
        return ParcelDetails(
            host_id=int(str(data["recipient"]).split(":")[1]), carrier=data["carrier"],
            tracking_reference=data["tracking_reference"], items=data["items"], label_photo=data["label_photo"],
        )  # fmt: skip


class PickUpForm(forms.Form):
    collected_by = forms.CharField(
        label=_("Collected by"), max_length=150,
        help_text=_("The name of who takes the parcel: the recipient or a colleague."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip
