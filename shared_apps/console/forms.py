"""Console forms: they check the shape of the input; the services decide what is allowed."""

import zoneinfo
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from shared_apps.provisioning.buildings import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN
from shared_apps.tenancy.models import Building, BuildingDocument, Tenant
from shared_apps.tenancy.text import NameFormField
from tenant_apps.kiosk.branding import ACCENT, MIN_CONTRAST, contrast_with_white, logo_extension
from tenant_apps.privacy.forms import PersonSearchForm

T = TypeVar("T")

TIMEZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


def run_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Run a service; a refusal becomes errors on the form's fields (or above them) instead of an exception."""
    try:
        return call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)
        return None


class BuildingCreateForm(forms.Form):
    name = NameFormField(label=_("Name"), max_length=120)
    slug = forms.SlugField(label=_("Slug"), max_length=40, help_text=_("Becomes the host name <slug>.<root>."))
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=TIMEZONE_CHOICES, initial="Europe/Brussels")
    desk_email = forms.EmailField(
        label=_("First desk e-mail (optional)"), required=False,
        help_text=_("Receives a link to choose a password on the building's desk."),
    )  # fmt: skip


class DeskStaffInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = NameFormField(label=_("Full name (optional)"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()  # the inviter's, as a start


class BuildingEditForm(forms.Form):
    name = NameFormField(label=_("Name"), max_length=120)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=TIMEZONE_CHOICES)
    kiosk_languages = forms.MultipleChoiceField(
        label=_("Kiosk languages"), choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    default_retention_days = forms.IntegerField(
        label=_("Default retention (days)"), min_value=RETENTION_DAYS_MIN, max_value=RETENTION_DAYS_MAX
    )
    auto_checkout_time = forms.TimeField(label=_("Automatic check-out time"), widget=forms.TimeInput(
        attrs={"type": "time"}, format="%H:%M"))  # fmt: skip
    kiosk_requires_email = forms.BooleanField(label=_("The kiosk asks for an e-mail address"), required=False)
    kiosk_requires_phone = forms.BooleanField(label=_("The kiosk asks for a phone number"), required=False)
    privacy_contact_name = forms.CharField(
        label=_("Privacy contact"), max_length=150, required=False,
        help_text=_("Whom visitors ask about what the reception and the kiosk record. Left blank: the front desk."),
    )  # fmt: skip
    privacy_contact_email = forms.EmailField(label=_("Privacy contact e-mail"), required=False)
    kiosk_welcome = forms.CharField(
        label=_("Kiosk welcome line"), max_length=120, required=False,
        help_text=_("Shown large on the kiosk's first screen. Left blank: “Welcome” in the visitor's language."),
    )  # fmt: skip
    kiosk_accent = forms.CharField(
        label=_("Kiosk accent colour"), max_length=7, required=False,
        help_text=_("A colour such as #0b6e4f, dark enough for white text on it."),
    )  # fmt: skip
    kiosk_logo = forms.ImageField(
        label=_("Kiosk logo"), required=False,
        help_text=_("PNG, JPEG, WebP or GIF, 512 KB at most. Shown at the top of every kiosk screen."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
    )  # fmt: skip
    kiosk_logo_clear = forms.BooleanField(label=_("Remove the kiosk logo"), required=False)
    badge_size = forms.ChoiceField(label=_("Badge labels"), choices=Building.BadgeSize.choices)
    desk_email = forms.EmailField(
        label=_("Front desk e-mail address"), required=False,
        help_text=_("Told of a kiosk walk-in whose company set no reception address, besides the desk's board."),
    )  # fmt: skip
    walk_in_approval_required = forms.BooleanField(
        label=_("Kiosk walk-ins wait for approval in every company"), required=False,
        help_text=_("The host, or the company's reception, approves each walk-in by e-mail before the badge prints, "
                    "whatever each company chose."),
    )  # fmt: skip
    asks_licence_plate = forms.BooleanField(
        label=_("Visitors give their licence plate"), required=False,
        help_text=_("Visitors who fill in their own details before the visit, through the link their host sends, "
                    "also give their car's licence plate (for the car park)."),
    )  # fmt: skip

    def clean_kiosk_accent(self) -> str:
        colour = str(self.cleaned_data.get("kiosk_accent") or "").strip().lower()
        if colour and not ACCENT.match(colour):
            raise forms.ValidationError(_("Enter a colour as # and six hexadecimal digits, for example #0b6e4f."))
        if colour and contrast_with_white(colour) < MIN_CONTRAST:
            raise forms.ValidationError(_("This colour is too light: white text on it would be hard to read."))
        return colour

    def clean_kiosk_logo(self) -> Any:
        logo = self.cleaned_data.get("kiosk_logo")
        if not logo:
            return None
        image = getattr(logo, "image", None)  # ImageField opened it with Pillow: a file that is no image is refused
        logo.name = "logo." + logo_extension(size=logo.size, image_format=getattr(image, "format", None))
        return logo

    @classmethod
    def for_building(cls, building: Building, data: Any = None, files: Any = None) -> "BuildingEditForm":
        initial = {field: getattr(building, field) for field in cls.base_fields if not field.startswith("kiosk_logo")}
        return cls(data=data, files=files, initial=initial)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=BuildingDocument.Kind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}))


class CompanyCreateForm(forms.Form):
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.filter(archived_at=None), to_field_name="slug"
    )
    name = NameFormField(label=_("Display name"), max_length=120)
    slug = forms.SlugField(label=_("Slug"), max_length=40, help_text=_("Becomes the host name <slug>.<root>."))
    custom_domain = forms.CharField(label=_("Custom domain (optional)"), max_length=253, required=False)
    logo = forms.ImageField(label=_("Logo (optional)"), required=False)
    admin_email = forms.EmailField(
        label=_("First admin's e-mail"), help_text=_("Receives a link to choose a password.")
    )


class CompanyEditForm(forms.Form):
    name = NameFormField(label=_("Display name"), max_length=120)
    custom_domain = forms.CharField(label=_("Custom domain (optional)"), max_length=253, required=False)
    logo = forms.ImageField(label=_("Replace the logo"), required=False)
    logo_clear = forms.BooleanField(label=_("Remove the logo"), required=False)

    @classmethod
    def for_company(cls, company: Tenant, data: Any = None, files: Any = None) -> "CompanyEditForm":
        custom = company.domains.filter(is_primary=False).values_list("domain", flat=True).first() or ""
        return cls(data=data, files=files, initial={"name": company.name, "custom_domain": custom})


class SupportStartForm(forms.Form):
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Tenant.objects.filter(
            type=Tenant.Type.COMPANY, status__in=[Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED]
        ),
        to_field_name="slug",
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, help_text=_("A ticket number and what you check."))


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("What uses it, e.g. “provisioning CI”."))


class AuditFilterForm(forms.Form):
    tenant = forms.CharField(label=_("Tenant schema"), required=False)
    action = forms.CharField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PlatformPersonSearchForm(PersonSearchForm):
    building = forms.ModelChoiceField(
        label=_("Where"), queryset=Building.objects.all(), required=False, empty_label=_("Every building")
    )
