"""Sign-in records: every sign-in, failed sign-in, lockout, wrong second-factor code and password change of this
schema's accounts, with time, account (or the address typed, for an unknown one), client address and browser.

Never a password, a code or a session key. A row is written whatever the answer to the person signing in, and that
answer does not change with it: an unknown address fails and locks exactly as a known one does.
Rows stay for CHECKIN_SIGNIN_RECORD_DAYS; their client address is truncated after CHECKIN_LOG_IP_PSEUDONYMISE_DAYS
(shared_apps/accounts/log_upkeep.py).
"""

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from shared_apps.accounts.models import SignInRecord, User
from shared_apps.audit.services import client_ip

Event = SignInRecord.Event
USER_AGENT_LENGTH = 300
SIGNIN_PAGE_SIZE = 50


def signin_record(
    *, request: HttpRequest | None, event: str, user: User | None = None, identifier: str | None = None
) -> SignInRecord:
    """Write one record. `identifier` is the e-mail address typed, when no account is known yet: the account of this
    schema it names, if any, is linked; else the row keeps the address typed (for the admins of this host only)."""
    typed = (identifier or "").strip().lower()[:254]
    if user is None and typed:
        user = User.objects.filter(email=typed).first()
    user_agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return SignInRecord.objects.create(
        event=event,
        user=user,
        identifier=user.email if user is not None else typed,
        ip=client_ip(request),
        user_agent=str(user_agent)[:USER_AGENT_LENGTH],
    )


def signin_records_of(user: User) -> QuerySet[SignInRecord]:
    """The records of one account, newest first: what it sees of itself on its Security page."""
    return SignInRecord.objects.filter(user=user).select_related("user")


def signin_records_all() -> QuerySet[SignInRecord]:
    """Every record of this schema (its accounts and the unknown addresses typed on its host), newest first."""
    return SignInRecord.objects.select_related("user")


def signin_retention() -> dict[str, int]:
    """What the pages say of how long records are kept, and when their address is shortened."""
    return {
        "retention_days": settings.CHECKIN_SIGNIN_RECORD_DAYS,
        "pseudonymise_days": settings.CHECKIN_LOG_IP_PSEUDONYMISE_DAYS,
    }
