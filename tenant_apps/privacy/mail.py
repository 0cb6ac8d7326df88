"""E-mails to a company's admins, each in the admin's own language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from shared_apps.accounts.models import User
from shared_apps.database.connection import tenant_connection
from shared_apps.tenancy.links import tenant_url
from shared_apps.tenancy.models import Tenant
from shared_apps.tenancy.public_links import urlconf_of
from tenant_apps.privacy.access import may_manage_exports


def company_admins() -> list[User]:
    """Who the privacy e-mails go to: the active accounts that may act on them (open the exports they announce)."""
    return [user for user in User.objects.filter(is_active=True).order_by("pk") if may_manage_exports(user)]


def portal_link(view_name: str, *args: object) -> str:
    """An absolute link to a page of this company's portal, for e-mails."""
    path = reverse(view_name, args=args, urlconf=urlconf_of(Tenant.Type.COMPANY))
    return tenant_url(tenant_connection().tenant) + path


def admins_notify(*, template: str, context: dict[str, object]) -> int:
    """Send `privacy/email/<template>_{subject,body}.txt` to every active admin; return how many got it."""
    admins = company_admins()
    context = {**context, "company": tenant_connection().tenant.name}
    for admin in admins:
        with translation.override(admin.language or settings.LANGUAGE_CODE):
            subject = render_to_string(f"privacy/email/{template}_subject.txt", context).strip()
            body = render_to_string(f"privacy/email/{template}_body.txt", context)
        send_mail(subject, body, None, [admin.email])
    return len(admins)
