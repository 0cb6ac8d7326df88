"""The objection rule: someone who objected (or withdrew consent) is not registered again without their own consent.

Privacy records an objection when it erases the person (`tenant_apps/privacy/subjects.py`); only a keyed hash of
the e-mail address is kept, per company. No channel (portal, bulk import, API, desk, kiosk) registers such a
visitor or sends them anything. Consent given again at the kiosk lifts nothing by itself: it opens an
`ObjectionLiftRequest`, and only the owner of the address, following the signed single-use link e-mailed to it
(`tenant_apps/privacy/objection_confirm.py`), lifts the objection (`objection_lift_confirm`). Audit entries never
hold the address.
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from shared_apps.audit.services import audit_record
from shared_apps.database.connection import tenant_connection
from tenant_apps.visits.models import ObjectionLiftRequest, SuppressedEmail

OBJECTED_MESSAGE = gettext_lazy(
    "This person objected to the processing of their data and cannot be registered again. "
    "They can give their consent again themselves at the kiosk, and confirm it with the link e-mailed to them."
)
LIFT_REQUEST_HOURS = 24  # how long the confirmation link of a renewed consent works


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


def objection_lift_request(*, email: str, language: str) -> ObjectionLiftRequest:
    """Consent given again (at the kiosk) for an address that objected: a pending request, confirmed only through
    the link e-mailed to that address. Older pending requests of the address stop working; expired ones go."""
    hashed = email_hash(email)
    now = timezone.now()
    ObjectionLiftRequest.objects.filter(created_at__lt=now - dt.timedelta(hours=LIFT_REQUEST_HOURS)).delete()
    ObjectionLiftRequest.objects.filter(email_hash=hashed, used_at=None).update(used_at=now, email="")
    request = ObjectionLiftRequest.objects.create(email=email.strip().lower(), email_hash=hashed, language=language)
    audit_record(actor="kiosk", action="subject.consent_confirmation_sent",
                 object_ids={"objection_lift_request": [request.pk]})  # fmt: skip
    return request


@transaction.atomic
def objection_lift_confirm(*, request_id: int, actor: str = "visitor:e-mail link") -> bool:
    """The owner of the address followed the link: lift the objection, once, within LIFT_REQUEST_HOURS; audited.
    False when the request is unknown, used or expired (nothing changes then)."""
    earliest = timezone.now() - dt.timedelta(hours=LIFT_REQUEST_HOURS)
    request = ObjectionLiftRequest.objects.select_for_update().filter(pk=request_id, used_at=None).first()
    if request is None or request.created_at < earliest:
        return False
    hashes = _email_hashes(request.email) if request.email else [request.email_hash]  # previous keys too
    request.used_at, request.email = timezone.now(), ""
    request.save(update_fields=["used_at", "email"])
    deleted, _ = SuppressedEmail.objects.filter(email_hash__in=hashes).delete()
    audit_record(actor=actor, action="subject.consent_renewed",
                 object_ids={"objection_lift_request": [request.pk]}, details={"suppressions": deleted})  # fmt: skip
    return True
