"""The visitor's own privacy link: a short, signed, expiring address of one person's page on the company's host.

The token is `<id>.<time>.<signature>` (base 62 id and time, then 96 bits of HMAC-SHA256 of both, keyed with
`SECRET_KEY`, or one of `SECRET_KEY_FALLBACKS`, under a salt naming the company's schema): short enough to type
from a printed e-mail. A link works for that person, on that company's host, for `CHECKIN_PERSON_LINK_DAYS` days,
and for nothing else (another person, another company's host, an altered or expired token: the same 404). Never
on a badge: it is worn in view.
"""

import base64
import time

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from shared_apps.database.connection import tenant_connection
from shared_apps.tenancy.links import tenant_url
from shared_apps.tenancy.models import Tenant
from shared_apps.tenancy.public_links import urlconf_of
from tenant_apps.visits.models import Visitor

SIGNATURE_CHARS = 16  # 96 bits


def _signature(value: str, *, schema: str, secret: str) -> str:
    digest = salted_hmac(f"checkin.person-page:{schema}", value, secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_CHARS]


def person_token(visitor: Visitor, *, company: Tenant | None = None) -> str:
    """The token of `visitor`'s page in `company` (default: the current one)."""
    schema = company.schema_name if company is not None else tenant_connection().schema_name
    value = f"{signing.b62_encode(visitor.pk)}.{signing.b62_encode(int(time.time()))}"
    return f"{value}.{_signature(value, schema=schema, secret=settings.SECRET_KEY)}"


def person_page_path(visitor: Visitor, *, company: Tenant | None = None) -> str:
    token = person_token(visitor, company=company)
    return reverse("person_page:page", args=[token], urlconf=urlconf_of(Tenant.Type.COMPANY))


def person_page_url(visitor: Visitor, *, company: Tenant | None = None) -> str:
    """The absolute link to `visitor`'s own privacy page on the host of `company` (default: the current one), for
    e-mails."""
    return tenant_url(company or tenant_connection().tenant) + person_page_path(visitor, company=company)


def person_from_token(token: str) -> Visitor:
    """The person a token names in the current company; 404 for a forged, altered, expired or foreign token, or a
    person no longer there."""
    schema = tenant_connection().schema_name
    value, _, signature = token.rpartition(".")
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    if not any(constant_time_compare(signature, _signature(value, schema=schema, secret=key)) for key in secrets):
        raise Http404
    try:
        encoded_id, encoded_time = value.split(".")
        visitor_id, made_at = signing.b62_decode(encoded_id), signing.b62_decode(encoded_time)
    except ValueError:
        raise Http404 from None
    if time.time() - made_at > settings.CHECKIN_PERSON_LINK_DAYS * 24 * 3600:
        raise Http404
    visitor = Visitor.objects.filter(pk=visitor_id).first()
    if visitor is None:
        raise Http404
    return visitor
