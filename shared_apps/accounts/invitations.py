"""Invitations and password resets: a one-time link, valid on the host of the schema that holds the user.

The token is Django's password-reset token: it stops working once the password
changes or after PASSWORD_RESET_TIMEOUT, and it is only valid on the host that
sent it, because the user only exists in that host's schema.
"""

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from shared_apps.accounts.models import User


def set_password_url(*, user: User, base_url: str) -> str:
    """The absolute one-time link at which `user` chooses a password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:set_password", kwargs={"uidb64": uid, "token": token})
    return f"{base_url.rstrip('/')}{path}"


def user_invite(*, email: str, full_name: str, role: str, base_url: str, site_name: str) -> User:
    """Create an account without a usable password and e-mail it a link to choose one.

    Inviting an address that already has an account re-sends the link instead of failing.
    """
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=full_name, role=role)
        user.set_unusable_password()
        user.save()
    _send_link(user, base_url=base_url, site_name=site_name, template="accounts/email/invitation.txt",
               subject=_("Your Check-in account for %(site)s") % {"site": site_name})  # fmt: skip
    return user


def password_reset_send(*, email: str, base_url: str, site_name: str) -> None:
    """E-mail a reset link if an active account has this address; say nothing either way."""
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is not None:
        _send_link(user, base_url=base_url, site_name=site_name, template="accounts/email/password_reset.txt",
                   subject=_("Reset your Check-in password for %(site)s") % {"site": site_name})  # fmt: skip


def _send_link(user: User, *, base_url: str, site_name: str, template: str, subject: str) -> None:
    with translation.override(user.language or "en"):
        body = render_to_string(
            template, {"user": user, "site_name": site_name, "url": set_password_url(user=user, base_url=base_url)}
        )
    send_mail(subject, body, None, [user.email])
