"""The objection rule: someone who objected (or withdrew consent) is not registered again without their own consent.

Privacy records an objection when it erases the person (`tenant_apps/privacy/subjects.py`); only a keyed hash of
the e-mail address is kept, per company. Staff (portal, API, desk) are refused such a visitor; the visitor's own
consent, given at the kiosk, lifts the objection (`objection_lift`). Audit entries never hold the address.
"""

import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext_lazy

from shared_apps.audit.services import audit_record
from shared_apps.database.connection import tenant_connection
from tenant_apps.visits.models import SuppressedEmail

OBJECTED_MESSAGE = gettext_lazy(
    "This person objected to the processing of their data and cannot be registered again by staff. "
    "They can register themselves at the kiosk, which asks for their consent."
)


def email_hash(email: str, *, key: str | None = None) -> str:
    """The address's keyed hash in the current company (the same address hashes differently in each company)."""
    message = f"{tenant_connection().schema_name}:{email.strip().lower()}".encode()
    return hmac.new((key or settings.CHECKIN_SUPPRESSION_KEY).encode(), message, hashlib.sha256).hexdigest()


def _email_hashes(email: str) -> list[str]:
    """The address's hash under the current key and under each previous one (CHECKIN_SUPPRESSION_KEY_FALLBACKS)."""
    keys = [settings.CHECKIN_SUPPRESSION_KEY, *settings.CHECKIN_SUPPRESSION_KEY_FALLBACKS]
    return [email_hash(email, key=key) for key in keys]


def visitor_objected(email: str) -> bool:
    """Whether this e-mail belongs to someone who objected in the current company: do not re-create them."""
    return bool(email.strip()) and SuppressedEmail.objects.filter(email_hash__in=_email_hashes(email)).exists()


def objection_record(email: str) -> None:
    """Remember that the person with this address objected (their data itself is erased by the caller)."""
    SuppressedEmail.objects.get_or_create(email_hash=email_hash(email))


def objection_lift(*, email: str, actor: str) -> bool:
    """The person gave consent again (e.g. accepted the notice at the kiosk): stop refusing them; audited."""
    deleted, _ = SuppressedEmail.objects.filter(email_hash__in=_email_hashes(email)).delete()
    if deleted:
        audit_record(actor=actor, action="subject.consent_renewed", details={"suppressions": deleted})
    return bool(deleted)
