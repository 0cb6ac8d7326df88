"""Forms of the privacy pages: they validate input; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

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
