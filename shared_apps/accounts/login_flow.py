"""Signing in in two steps: a correct password leaves the session *pending*, not signed in, until a code from
the account's app (or its first enrolment, where it is required) completes it.

A pending session holds only the account's id, for a few minutes and a few wrong codes; nothing else treats
it as signed in. Failures of either step count in the platform-wide login throttle.
"""

import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.translation import ngettext

from shared_apps.accounts.models import User
from shared_apps.accounts.signin_records import Event, signin_record
from shared_apps.accounts.two_factor import (
    CodeKind,
    device_confirmed,
    recovery_codes_left,
    two_factor_check,
    two_factor_required,
)
from shared_apps.audit.services import audit_record, client_ip
from shared_apps.login_throttle.selectors import login_locked
from shared_apps.login_throttle.services import login_attempt_begin, login_attempt_forgive, login_success_record

_PENDING = "checkin_2fa_pending"
_VERIFIED = "checkin_2fa_verified"
PENDING_SECONDS = 10 * 60  # time to find the phone, or to install an app at a first enrolment
PENDING_WRONG_CODES = 5  # then the password is asked again


def locked_message() -> str:
    """The same words whether or not the account exists, and whichever limit was reached."""
    minutes = max(1, settings.CHECKIN_LOGIN_LOCKOUT_SECONDS // 60)
    return ngettext(
        "Too many failed attempts to sign in. Wait %(minutes)d minute, then try again.",
        "Too many failed attempts to sign in. Wait %(minutes)d minutes, then try again.",
        minutes,
    ) % {"minutes": minutes}


class NextStep(StrEnum):
    CODE = "accounts:two_factor"
    SETUP = "accounts:two_factor_setup"


T = TypeVar("T")


def request_ip(request: HttpRequest | None) -> str:
    return client_ip(request) or "unknown"


def password_check_throttled(check: Callable[[], T], *, email: str | None, request: HttpRequest | None) -> T:
    """Run a form's password check under the login throttle: refused while locked, counted when it fails."""
    ip = request_ip(request)
    if not email:  # the form refuses it without a password check: nothing to count
        if login_locked(email=None, ip=ip):
            raise ValidationError(locked_message(), code="locked")
        return check()
    attempt = login_attempt_begin(email=email, ip=ip)
    if attempt is None:
        signin_record(request=request, event=Event.REFUSED_LOCKED, identifier=email)
        raise ValidationError(locked_message(), code="locked")
    try:
        result = check()  # a ValidationError leaves the failure counted
    except ValidationError:
        signin_record(request=request, event=Event.FAILED, identifier=email)
        if attempt.locked:
            signin_record(request=request, event=Event.LOCKED_OUT, identifier=email)
        raise
    login_attempt_forgive(attempt)
    return result


def login_begin(request: HttpRequest, user: User, *, next_url: str) -> NextStep | None:
    """After a correct password: which second step the session waits for, or None to sign in at once."""
    enrolled = device_confirmed(user) is not None
    if not enrolled and not two_factor_required(user):
        return None
    request.session.cycle_key()
    request.session[_PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "next": next_url,
        "since": int(time.time()),
        "wrong": 0,
    }
    return NextStep.CODE if enrolled else NextStep.SETUP


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    data: dict[str, Any] | None = request.session.get(_PENDING)
    if data is not None and time.time() - data["since"] > PENDING_SECONDS:
        del request.session[_PENDING]
        return None
    return data


def pending_user(request: HttpRequest) -> User | None:
    """The account whose password was right in this session, while it waits for its second step."""
    data = _pending(request)
    return User.objects.filter(pk=data["user"], is_active=True).first() if data is not None else None


def login_finish(request: HttpRequest, user: User) -> str:
    """Sign the pending account in, its second factor checked; the URL to go on to."""
    data = request.session.pop(_PENDING, None) or {}
    login(request, user, backend=data.get("backend") or settings.AUTHENTICATION_BACKENDS[0])
    session_verified_set(request)
    login_success_record(email=user.email)
    signin_record(request=request, event=Event.SIGNED_IN, user=user)
    return str(data.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL))


def session_verified_set(request: HttpRequest) -> None:
    request.session[_VERIFIED] = True


def session_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(_VERIFIED))


class CodeResult(StrEnum):
    TOTP = CodeKind.TOTP
    RECOVERY = CodeKind.RECOVERY
    WRONG = "wrong"
    LOCKED = "locked"
    RESTART = "restart"  # too many wrong codes in this pending session: back to the password


def code_attempt(request: HttpRequest, user: User, code: str) -> CodeResult:
    """Check a second-factor code of `user` under the login throttle: a wrong one counts as a failed sign-in."""
    attempt = login_attempt_begin(email=user.email, ip=request_ip(request))
    if attempt is None:
        signin_record(request=request, event=Event.REFUSED_LOCKED, user=user)
        return CodeResult.LOCKED
    kind = two_factor_check(user=user, code=code)
    if kind is CodeKind.RECOVERY:
        audit_record(actor=user.email, action="two_factor.recovery_code_used", request=request,
                     object_ids={"user": [user.pk]}, details={"left": recovery_codes_left(user)})  # fmt: skip
    if kind is not None:
        login_attempt_forgive(attempt)
        return CodeResult(kind)
    signin_record(request=request, event=Event.TWO_FACTOR_FAILED, user=user)
    if attempt.locked:
        signin_record(request=request, event=Event.LOCKED_OUT, user=user)
    data = _pending(request)
    if data is not None:
        data["wrong"] += 1
        request.session.modified = True
        if data["wrong"] >= PENDING_WRONG_CODES:
            del request.session[_PENDING]
            return CodeResult.RESTART
    return CodeResult.WRONG
