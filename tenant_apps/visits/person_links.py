"""The visitor's own privacy link: a short, signed, expiring address of one person's page on the company's host.

The token is the person's id signed with `SECRET_KEY` under a salt that names the company's schema, with the time
it was made: a link works for that person, on that company's host, for `CHECKIN_PERSON_LINK_DAYS` days, and for
nothing else (another person, another company's host, an altered or expired token: the same 404).
"""

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse

from shared_apps.database.connection import tenant_connection
from shared_apps.tenancy.links import tenant_url
from shared_apps.tenancy.models import Tenant
from shared_apps.tenancy.public_links import urlconf_of
from tenant_apps.visits.models import Visitor


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"checkin.person-page:{tenant_connection().schema_name}")


def person_token(visitor: Visitor) -> str:
    """The token of `visitor`'s page in the current company."""
    return _signer().sign(signing.b62_encode(visitor.pk))


def person_page_path(visitor: Visitor) -> str:
    return reverse("person_page:page", args=[person_token(visitor)], urlconf=urlconf_of(Tenant.Type.COMPANY))


def person_page_url(visitor: Visitor) -> str:
    """The absolute link to `visitor`'s own privacy page, on the current company's host (for e-mails and badges)."""
    return tenant_url(tenant_connection().tenant) + person_page_path(visitor)


def person_from_token(token: str) -> Visitor:
    """The person a token names in the current company; 404 for a forged, altered, expired or foreign token, or a
    person no longer there."""
    try:
        value = _signer().unsign(token, max_age=settings.CHECKIN_PERSON_LINK_DAYS * 24 * 3600)
        visitor_id = signing.b62_decode(value)
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    visitor = Visitor.objects.filter(pk=visitor_id).first()
    if visitor is None:
        raise Http404
    return visitor
