"""Forms of the privacy pages: they validate input; the rules live in the services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.privacy.models import SubjectRequest
from tenant_apps.privacy.retention import retention_bounds
from tenant_apps.visits.models import Visitor


class RetentionForm(forms.Form):
    retention_days = forms.IntegerField(label=_("Keep visits for (days)"))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        low, high = retention_bounds()
        field = self.fields["retention_days"]
        assert isinstance(field, forms.IntegerField)
        field.widget.attrs.update(min=low, max=high)
        field.help_text = _("Between %(low)d and %(high)d days.") % {"low": low, "high": high}

    def clean_retention_days(self) -> int:
        days: int = self.cleaned_data["retention_days"]
        low, high = retention_bounds()
        if not low <= days <= high:
            raise forms.ValidationError(_("Choose between %(low)d and %(high)d days.") % {"low": low, "high": high})
        return days


class ExportRequestForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return cleaned


class PersonSearchForm(forms.Form):
    query = forms.CharField(label=_("E-mail address or name"), max_length=200)


class PersonCorrectionForm(forms.ModelForm):
    class Meta:
        model = Visitor
        fields = ["first_name", "last_name", "email", "phone", "company_name", "language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Blank in the table only while a visitor has still to fill in their own details: a correction names them.
        for name in ("first_name", "last_name"):
            self.fields[name].required = True


class PersonRequestForm(forms.Form):
    """A visitor's request that needs the company: what they ask, and for a correction, what is wrong."""

    kind = forms.ChoiceField(
        label=_("What do you ask?"), widget=forms.RadioSelect,
        choices=[(kind.value, kind.label) for kind in SubjectRequest.Kind
                 if kind in (SubjectRequest.Kind.CORRECTION, SubjectRequest.Kind.ERASURE,
                             SubjectRequest.Kind.RESTRICTION)],
    )  # fmt: skip
    message = forms.CharField(
        label=_("Your message"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a correction: what is wrong, and what it should say."),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == SubjectRequest.Kind.CORRECTION and not cleaned.get("message", "").strip():
            self.add_error("message", _("Tell us what is wrong and what it should say."))
        return cleaned


class PersonObjectionForm(forms.Form):
    """A visitor objects or withdraws consent: done at once, so they confirm first."""

    kind = forms.ChoiceField(
        label=_("What do you want?"), widget=forms.RadioSelect, initial=SubjectRequest.Kind.OBJECTION,
        choices=[(SubjectRequest.Kind.OBJECTION.value, _("I object to the processing of my data")),
                 (SubjectRequest.Kind.WITHDRAWAL.value, _("I withdraw my consent"))],
    )  # fmt: skip
    confirm = forms.BooleanField(
        label=_("I understand that my data and my planned visits are deleted now, and that staff can no longer "
                "register me."),
    )  # fmt: skip


class SubjectRequestCloseForm(forms.Form):
    """An admin's answer to a visitor's request."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), widget=forms.RadioSelect,
        choices=[("done", _("Carried out")), ("refused", _("Refused"))],
    )  # fmt: skip
    note = forms.CharField(
        label=_("Answer to the visitor"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the visitor in their language with the outcome. Required for a refusal: say why."),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("outcome") == "refused" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why the request is refused."))
        return cleaned


class SubjectRequestExtendForm(forms.Form):
    """GDPR art. 12(3): one extension of the deadline, by one or two further months, with the reason told to the
    visitor."""

    months = forms.TypedChoiceField(
        label=_("Extend by"), coerce=int, widget=forms.RadioSelect,
        choices=[(1, _("one month")), (2, _("two months"))],
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason, sent to the visitor"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Allowed once, when the request is complex or requests are many (GDPR art. 12(3))."),
    )  # fmt: skip

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why more time is needed."))
        return reason


class PersonLinkForm(forms.Form):
    """The e-mail address a visitor gave, to be sent their own privacy link (`/privacy/me/`)."""

    email = forms.EmailField(
        label=_("Your e-mail address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )  # fmt: skip
