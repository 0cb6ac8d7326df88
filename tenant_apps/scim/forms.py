from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.scim.models import ScimGroup


class ScimTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Which directory uses it, e.g. “Microsoft Entra ID”.")
    )


class GroupRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ScimGroup.Role.choices, required=False)
