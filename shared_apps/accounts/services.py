"""Writes on staff accounts. They act on the users table of the current schema."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from shared_apps.accounts.models import User


def user_ensure(*, email: str, full_name: str, role: str, password: str) -> User:
    """Create the account if missing, else reset its name, role and password. For demo data and set-up."""
    user = User.objects.filter(email=email.lower()).first() or User(email=email.lower())
    user.full_name = full_name
    user.role = role
    user.is_active = True
    user.is_staff = role == User.Role.IT
    user.is_superuser = role == User.Role.IT
    user.set_password(password)
    user.save()
    return user


def sessions_end(*, user: User, keep: str | None = None) -> int:
    """Delete every live session of `user` in this schema but `keep` (a session key), so their next request is
    signed out. Returns how many were ended."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(pk=keep).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
