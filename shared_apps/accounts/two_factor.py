"""Two-factor authentication: who must use it, enrolment, codes, recovery codes.

Every account on the root host (IT) and on a building's host (desk) must; a
company's accounts must when its admins require it, and may otherwise.
"""

import hashlib
import hmac
import re
import secrets
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from shared_apps.accounts import totp
from shared_apps.accounts.models import RecoveryCode, TwoFactorDevice, User
from shared_apps.accounts.two_factor_policy import company_requires_two_factor
from shared_apps.database.connection import tenant_connection
from shared_apps.tenancy.models import Tenant

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i to misread
_RECOVERY_LENGTH = 12  # ~59 bits: safe to store as a salted SHA-256
_SEPARATORS = re.compile(r"[\s-]+")


class CodeKind(StrEnum):
    TOTP = "totp"
    RECOVERY = "recovery"


def _host_type() -> str:
    connection = tenant_connection()
    if connection.schema_name == get_public_schema_name():
        return Tenant.Type.PUBLIC
    tenant_type = getattr(connection.tenant, "type", None)  # a FakeTenant (schema_context) has none
    return tenant_type or Tenant.objects.values_list("type", flat=True).get(schema_name=connection.schema_name)


def two_factor_required(user: User) -> bool:
    """Whether `user`, an account of the current schema, must sign in with a second factor."""
    if _host_type() != Tenant.Type.COMPANY:
        return True
    return company_requires_two_factor()  # the company's own settings, read through the app that keeps them


def device_confirmed(user: User) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user).count()


def device_pending(user: User) -> TwoFactorDevice:
    """The device being set up: the same secret on every reload of the set-up page until a code confirms it."""
    device, _ = TwoFactorDevice.objects.get_or_create(user=user, defaults={"secret": totp.secret_new()})
    return device


@transaction.atomic
def device_confirm(*, user: User, code: str) -> list[str] | None:
    """Confirm the pending device with a first code from the app; its fresh recovery codes, or None if wrong."""
    device = TwoFactorDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    step = totp.matching_step(device.secret, _clean(code)) if device is not None else None
    if device is None or step is None:
        return None
    device.confirmed_at, device.last_used_step = timezone.now(), step
    device.save(update_fields=["confirmed_at", "last_used_step"])
    return recovery_codes_new(user=user)


def device_set(*, user: User, secret: str) -> TwoFactorDevice:
    """Give `user` a confirmed device with a known secret. For the demo and set-up scripts only."""
    device, _ = TwoFactorDevice.objects.update_or_create(
        user=user, defaults={"secret": secret, "confirmed_at": timezone.now(), "last_used_step": 0}
    )
    return device


def two_factor_disable(*, user: User) -> None:
    TwoFactorDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()


def _clean(code: str) -> str:
    return _SEPARATORS.sub("", code).lower()


def _recovery_hash(code: str, salt: str) -> str:
    return f"sha256${salt}${hashlib.sha256(f'{salt}:{code}'.encode()).hexdigest()}"


@transaction.atomic
def recovery_codes_new(*, user: User) -> list[str]:
    """Replace the account's recovery codes with ten new ones; the codes in clear are returned once, never stored."""
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH)) for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_recovery_hash(code, secrets.token_hex(8))) for code in codes
    )
    return [f"{code[:4]}-{code[4:8]}-{code[8:]}" for code in codes]


def _recovery_code_use(user: User, code: str) -> bool:
    for stored in RecoveryCode.objects.filter(user=user):
        salt = stored.code_hash.split("$")[1]
        if hmac.compare_digest(stored.code_hash, _recovery_hash(code, salt)):
            # Deleted by a statement that only one of two simultaneous uses can win.
            return RecoveryCode.objects.filter(pk=stored.pk).delete()[0] == 1
    return False


def two_factor_check(*, user: User, code: str) -> CodeKind | None:
    """Check a code from the app (each accepted once) or a recovery code (deleted by its use)."""
    device = device_confirmed(user)
    if device is None:
        return None
    code = _clean(code)
    if len(code) == totp.DIGITS and code.isdigit():
        step = totp.matching_step(device.secret, code)
        # The step moves forward in one UPDATE: a replayed code, even a simultaneous one, updates nothing.
        accepted = step is not None and TwoFactorDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
            last_used_step=step
        )
        return CodeKind.TOTP if accepted else None
    if len(code) == _RECOVERY_LENGTH and _recovery_code_use(user, code):
        return CodeKind.RECOVERY
    return None
