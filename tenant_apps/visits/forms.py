"""Forms of the company portal: they validate input and hand typed values to the services."""

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shared_apps.accounts.models import User
from shared_apps.accounts.two_factor import device_confirmed
from shared_apps.tenancy.text import NameFormField
from tenant_apps.visits.models import LANGUAGE_CHOICES, Host, Visit, Visitor
from tenant_apps.visits.phone import phone_to_e164
from tenant_apps.visits.selectors import HistoryFilter, company_settings, hosts_active, hosts_all
from tenant_apps.visits.self_registration import PLATE, PLATE_MESSAGE, DetailsRequest, OwnDetails, plate_normalise
from tenant_apps.visits.series import WORKING_DAYS, series_problems
from tenant_apps.visits.services import (
    HostDetails,
    SeriesPattern,
    VisitorDetails,
    visit_times_past,
    visitor_refusal_for_email,
)

DATETIME_WIDGET = {"attrs": {"type": "datetime-local"}, "format": "%Y-%m-%dT%H:%M"}


def _datetime_field(label: str | Promise) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=forms.DateTimeInput(**DATETIME_WIDGET))  # type: ignore[arg-type]


class VisitorFieldsForm(forms.Form):
    """The visitor's details, shared by the pre-registration, the edit form and every imported row."""

    first_name = NameFormField(label=_("First name"), max_length=100)
    last_name = NameFormField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, help_text=_("For example +32 470 12 34 56.")
    )
    company_name = NameFormField(label=_("Company"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=LANGUAGE_CHOICES, initial="en")

    def clean_phone(self) -> str:
        return phone_to_e164(self.cleaned_data["phone"])

    def visitor_details(self) -> VisitorDetails:
        data = self.cleaned_data
        return VisitorDetails(
            first_name=data["first_name"].strip(), last_name=data["last_name"].strip(), email=data["email"],
            phone=data["phone"], company_name=data["company_name"].strip(), language=data["language"],
        )  # fmt: skip

    @staticmethod
    def initial_for(visitor: Visitor) -> dict[str, Any]:
        return {
            "first_name": visitor.first_name, "last_name": visitor.last_name, "email": visitor.email,
            "phone": visitor.phone, "company_name": visitor.company_name, "language": visitor.language,
        }  # fmt: skip


class _HostChoiceMixin(forms.Form):
    host = forms.ModelChoiceField(
        label=_("Host"), queryset=Host.objects.none(), required=False, empty_label=_("No particular host")
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)

    def __init__(self, *args: Any, current_host: Host | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hosts = hosts_active()
        if current_host is not None:  # keep a deactivated host on a visit that already has them
            hosts = Host.objects.filter(Q(is_active=True) | Q(pk=current_host.pk)).order_by("name")
        self.fields["host"].queryset = hosts  # type: ignore[attr-defined]


class _ScheduleMixin(forms.Form):
    expected_start = _datetime_field(_("Expected arrival"))
    expected_end = _datetime_field(_("Expected departure"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("expected_start"), data.get("expected_end")
        for name, problem in visit_times_past(start, end).items():
            self.add_error(name, problem)
        if start and end and end <= start and "expected_end" not in self.errors:
            self.add_error("expected_end", _("The departure must be after the arrival."))
        return data


WEEKDAY_CHOICES = [(str(number), WEEKDAYS[number - 1]) for number in range(1, 8)]  # ISO: Monday is 1


class _SeriesMixin(forms.Form):
    """A visit over several days: a last day after the arrival's, and the weekdays (Monday to Friday unless chosen)."""

    last_day = forms.DateField(
        label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For a visit over several days: one visit each chosen weekday up to this day, with one code. "
                    "Leave empty for one visit."),
    )  # fmt: skip
    weekdays = forms.MultipleChoiceField(
        label=_("On these weekdays"), choices=WEEKDAY_CHOICES, required=False, widget=forms.CheckboxSelectMultiple,
        initial=list(WORKING_DAYS),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end, last_day = data.get("expected_start"), data.get("expected_end"), data.get("last_day")
        data["series"] = None
        if start and end and last_day and last_day != timezone.localdate(start):
            weekdays = "".join(data.get("weekdays") or []) or WORKING_DAYS
            problems = series_problems(start=start, end=end, last_day=last_day, weekdays=weekdays)
            for name, problem in problems.items():
                if name not in self.errors:
                    self.add_error(name, problem)
            if not problems:
                data["series"] = SeriesPattern(last_day=last_day, weekdays=weekdays)
        return data

    def series_pattern(self) -> SeriesPattern | None:
        return self.cleaned_data.get("series")


class PreRegistrationForm(VisitorFieldsForm, _HostChoiceMixin, _SeriesMixin, _ScheduleMixin):
    """One visit, or one over several days: who comes, to see whom, when and why. Also each row of a bulk import."""

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        refusal = visitor_refusal_for_email(email)  # objected or restricted: refused on the field, nothing stored
        if refusal:
            raise forms.ValidationError(refusal, code="visitor_refused")
        return email

    field_order = [
        "first_name", "last_name", "email", "phone", "company_name", "language",
        "host", "expected_start", "expected_end", "last_day", "weekdays", "purpose",
    ]  # fmt: skip


class DetailsRequestForm(_HostChoiceMixin, _ScheduleMixin):
    """A visit whose visitor fills in their own details: only their address and the e-mail's language are typed."""

    email = forms.EmailField(label=_("Visitor's e-mail address"), max_length=254,
                             help_text=_("The visitor gets a link there to fill in their own details."))  # fmt: skip
    language = forms.ChoiceField(label=_("Language of the e-mail"), choices=LANGUAGE_CHOICES, initial="en")

    field_order = ["email", "language", "host", "expected_start", "expected_end", "purpose"]

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        refusal = visitor_refusal_for_email(email)  # objected or restricted: refused on the field, nothing stored
        if refusal:
            raise forms.ValidationError(refusal, code="visitor_refused")
        return email

    def details_request(self) -> DetailsRequest:
        data = self.cleaned_data
        return DetailsRequest(
            email=data["email"], language=data["language"], host=data["host"], expected_start=data["expected_start"],
            expected_end=data["expected_end"], purpose=data["purpose"],
        )  # fmt: skip


class OwnDetailsForm(forms.Form):
    """What a visitor types about themselves through their link; the licence plate when the building asks."""

    first_name = NameFormField(label=_("First name"), max_length=100)
    last_name = NameFormField(label=_("Last name"), max_length=100)
    company_name = NameFormField(label=_("Company or organisation"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language of your invitation"), choices=LANGUAGE_CHOICES)
    licence_plate = forms.CharField(label=_("Licence plate"), max_length=16, required=False,
                                    help_text=_("For the car park, for example 1-ABC-234."))  # fmt: skip
    accept_notice = forms.BooleanField(label=_("I have read the privacy notice."), required=True)

    def __init__(self, *args: Any, visitor: Visitor, asks_plate: bool, language: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {
            "first_name": visitor.first_name, "last_name": visitor.last_name,
            "company_name": visitor.company_name, "language": language,
        })  # fmt: skip
        super().__init__(*args, **kwargs)
        if asks_plate:
            self.fields["licence_plate"].required = True
        else:
            del self.fields["licence_plate"]
        self.fields["accept_notice"].error_messages["required"] = _("Please read and accept the privacy notice.")

    def clean_licence_plate(self) -> str:
        plate = plate_normalise(self.cleaned_data["licence_plate"])
        if plate and not PLATE.match(plate):
            raise forms.ValidationError(PLATE_MESSAGE)
        return plate

    def own_details(self) -> OwnDetails:
        data = self.cleaned_data
        return OwnDetails(
            first_name=data["first_name"].strip(), last_name=data["last_name"].strip(),
            company_name=data["company_name"].strip(), language=data["language"],
            licence_plate=data.get("licence_plate", ""),
        )  # fmt: skip


class VisitEditForm(VisitorFieldsForm, _HostChoiceMixin):
    """The details of a visit that is not over: the visitor, the host and the purpose."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = False  # a walk-in registered at the kiosk may have given none


class RescheduleForm(_ScheduleMixin):
    """New expected arrival and departure."""


BULK_MAX_ROWS = 200
BULK_MAX_BYTES = 200_000


class BulkImportForm(forms.Form):
    """Pasted CSV text or an uploaded CSV file; the rows are read by `bulk_import.read_rows`."""

    text = forms.CharField(label=_("Paste rows"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(label=_("Or upload a CSV file"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, text = data.get("file"), data.get("text") or ""
        if upload is not None:
            if upload.size > BULK_MAX_BYTES:
                raise forms.ValidationError(
                    _("The file is larger than %(size)d kB. Split it into smaller files.")
                    % {"size": BULK_MAX_BYTES // 1000}
                )
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(_("The file is not UTF-8 text. Save it as “CSV UTF-8”.")) from error
        if not text.strip():
            raise forms.ValidationError(_("Paste some rows or choose a file."))
        if len(text.encode()) > BULK_MAX_BYTES:
            raise forms.ValidationError(
                _("The text is larger than %(size)d kB. Split it into smaller batches.")
                % {"size": BULK_MAX_BYTES // 1000}
            )
        data["csv_text"] = text
        return data


class HistoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    host = forms.ModelChoiceField(label=_("Host"), queryset=Host.objects.none(), required=False,
                                  empty_label=_("All hosts"))  # fmt: skip
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = hosts_all()  # type: ignore[attr-defined]
        self.fields["state"].choices = [("", _("All states")), *Visit.State.choices]  # type: ignore[attr-defined]

    def history_filter(self) -> HistoryFilter:
        if not self.is_valid():
            return HistoryFilter()
        data = self.cleaned_data
        return HistoryFilter(
            query=data["q"], date_from=data["date_from"], date_to=data["date_to"], host=data["host"],
            state=data["state"],
        )  # fmt: skip


class HostChannelForm(forms.Form):
    """How a host hears of an arrival, and the phone number a text message goes to: the admins' host page and the
    host's own page (`OwnChannelForm`)."""

    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    notify_by = forms.ChoiceField(
        label=_("Notify by"), choices=Host.Notify.choices, initial=Host.Notify.EMAIL,
        help_text=_("How the host hears of an arrival, in their language. Teams and Slack need the company's address "
                    "in the notification settings; a text message needs the phone number."),
    )  # fmt: skip

    def clean_phone(self) -> str:
        return phone_to_e164(self.cleaned_data["phone"])

    def clean_notify_by(self) -> str:
        """A channel only once it can reach the host: else the host would hear of no one."""
        notify_by: str = self.cleaned_data["notify_by"]
        company = company_settings()
        if notify_by == Host.Notify.TEAMS and not company.teams_webhook_url:
            raise forms.ValidationError(_("Set the company's Teams webhook in the notification settings first."))
        if notify_by == Host.Notify.SLACK and not company.slack_webhook_url:
            raise forms.ValidationError(_("Set the company's Slack webhook in the notification settings first."))
        if notify_by == Host.Notify.SMS and settings.CHECKIN_SMS_PROVIDER == "disabled":
            raise forms.ValidationError(_("Text messages are not available: the operator has not set up SMS."))
        return notify_by

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("notify_by") == Host.Notify.SMS and "phone" in data and not data["phone"]:
            self.add_error("phone", _("Enter the mobile number the text messages go to."))
        return data


class OwnChannelForm(HostChannelForm):
    """A host's own choice: only the channels that reach them now are offered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        company = company_settings()
        usable = {
            Host.Notify.EMAIL: True, Host.Notify.WEBHOOK: bool(company.webhook_url),
            Host.Notify.TEAMS: bool(company.teams_webhook_url), Host.Notify.SLACK: bool(company.slack_webhook_url),
            Host.Notify.SMS: settings.CHECKIN_SMS_PROVIDER != "disabled",
        }  # fmt: skip
        field = self.fields["notify_by"]
        field.choices = [(value, label) for value, label in Host.Notify.choices if usable[Host.Notify(value)]]  # type: ignore[attr-defined]
        field.help_text = _("In your language. A text message needs your mobile number.")


class HostForm(HostChannelForm):
    field_order = ["name", "email", "phone", "notify_by", "user"]

    name = NameFormField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    user = forms.ModelChoiceField(
        label=_("Staff account"), queryset=User.objects.none(), required=False, empty_label=_("None"),
        help_text=_("A member linked to a host sees that host's visits."),
    )  # fmt: skip

    def __init__(self, *args: Any, host: Host | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = Host.objects.exclude(user=None)
        if host is not None:
            taken = taken.exclude(pk=host.pk)
        accounts = User.objects.filter(role__in=[User.Role.ADMIN, User.Role.MEMBER], is_active=True)
        self.fields["user"].queryset = accounts.exclude(pk__in=taken.values("user"))  # type: ignore[attr-defined]

    def host_details(self) -> HostDetails:
        data = self.cleaned_data
        return HostDetails(
            name=data["name"].strip(), email=data["email"], phone=data["phone"], notify_by=data["notify_by"],
            user=data["user"],
        )  # fmt: skip

    @staticmethod
    def initial_for(host: Host) -> dict[str, Any]:
        return {"name": host.name, "email": host.email, "phone": host.phone, "notify_by": host.notify_by,
                "user": host.user}  # fmt: skip


class CompanySettingsForm(forms.Form):
    show_hosts_on_kiosk = forms.BooleanField(
        label=_("Show the host list on the kiosk"), required=False,
        help_text=_("Visitors who arrive without an invitation can then search for the person they visit by name."),
    )  # fmt: skip
    reception_email = forms.EmailField(
        label=_("Reception e-mail address"), required=False,
        help_text=_("Who hears of a visitor who arrives without an invitation and names no host. "
                    "Left empty, the building's front desk is told."),
    )  # fmt: skip
    walk_in_approval = forms.BooleanField(
        label=_("Kiosk walk-ins wait for approval"), required=False,
        help_text=_("The host, or the reception address when no host was chosen, gets an e-mail with links to "
                    "approve or decline; the visitor's badge prints once approved. Invited visitors never wait."),
    )  # fmt: skip
    approval_timeout_minutes = forms.IntegerField(
        label=_("Minutes to wait for an approval"), min_value=1, max_value=60, initial=10, required=False,
        help_text=_("Without an answer by then, the kiosk sends the visitor to the front desk."),
    )  # fmt: skip
    desk_may_decide = forms.BooleanField(
        label=_("The front desk may approve or decline for us"), required=False,
        help_text=_("The building's desk then sees the approve and decline buttons for your waiting walk-ins."),
    )  # fmt: skip
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor authentication for every user"), required=False,
        help_text=_("Everyone then signs in with their password and a code from an app on their phone; "
                    "users without one set it up at their next page."),
    )  # fmt: skip

    privacy_contact_name = forms.CharField(
        label=_("Privacy contact"), max_length=150, required=False,
        help_text=_("Whom visitors ask about their data: a person or a department. "
                    "Left blank, visitors are given your first administrator's address."),
    )  # fmt: skip
    privacy_contact_email = forms.EmailField(label=_("Privacy contact e-mail"), required=False)
    dpo_name = forms.CharField(label=_("Data protection officer"), max_length=150, required=False,
                               help_text=_("If your company has one."))  # fmt: skip
    dpo_email = forms.EmailField(label=_("Data protection officer's e-mail"), required=False)

    def __init__(self, *args: Any, admin: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.admin = admin

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("privacy_contact_name") and not cleaned.get("privacy_contact_email"):
            self.add_error("privacy_contact_email", _("Give the address where visitors reach this contact."))
        if cleaned.get("dpo_name") and not cleaned.get("dpo_email"):
            self.add_error("dpo_email", _("Give the address where visitors reach this contact."))
        return cleaned

    def clean_require_two_factor(self) -> bool:
        # The admin who turns it on shows it works first, rather than meet it on the next page.
        required: bool = self.cleaned_data["require_two_factor"]
        if required and device_confirmed(self.admin) is None:
            raise forms.ValidationError(
                _("Set up two-factor authentication for your own account first, on your Security page."),
                code="admin_without_two_factor",
            )
        return required
