"""Invitations and password resets: a one-time link, valid on the host of the schema that holds the user.

The token is Django's password-reset token: it stops working once the password
changes or after PASSWORD_RESET_TIMEOUT, and it is only valid on the host that
sent it, because the user only exists in that host's schema.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.functional import Promise
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy

from shared_apps.accounts.models import User
from shared_apps.accounts.sign_in_policy import password_refused


def set_password_url(*, user: User, base_url: str) -> str:
    """The absolute one-time link at which `user` chooses a password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:set_password", kwargs={"uidb64": uid, "token": token})
    return f"{base_url.rstrip('/')}{path}"


def user_invite(*, email: str, full_name: str, role: str, base_url: str, site_name: str, language: str = "") -> User:
    """Create an account without a usable password and e-mail it a link to choose one, in `language`.

    `language` defaults to the one the inviter is using. Inviting an address that already has an
    account re-sends the link (in that account's language) instead of failing.
    """
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=full_name, role=role, language=language_supported(language))
        user.set_unusable_password()
        user.save()
    # A member of a company that signs in through its identity provider only gets no password link: it would be
    # refused. The e-mail says where to sign in instead.
    template = "accounts/email/invitation_sso.txt" if password_refused(user) else "accounts/email/invitation.txt"
    _send_link(user, base_url=base_url, site_name=site_name, template=template,
               subject=gettext_lazy("Your Check-in account for %(site)s"))  # fmt: skip
    return user


def language_supported(language: str) -> str:
    """`language` (else the active one) if the platform speaks it, else the default."""
    code = (language or translation.get_language() or "").split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def password_reset_send(*, email: str, base_url: str, site_name: str) -> None:
    """E-mail a reset link if an active account with a password allowed has this address; say nothing either way
    (an account of a company that signs in through its identity provider only gets no link)."""
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is not None and not password_refused(user):
        _send_link(user, base_url=base_url, site_name=site_name, template="accounts/email/password_reset.txt",
                   subject=gettext_lazy("Reset your Check-in password for %(site)s"))  # fmt: skip


def _send_link(user: User, *, base_url: str, site_name: str, template: str, subject: Promise) -> None:
    """The e-mail with the link, subject and body in the account's language."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        url = (
            f"{base_url.rstrip('/')}{reverse('accounts:login')}"
            if template.endswith("_sso.txt")
            else set_password_url(user=user, base_url=base_url)
        )
        body = render_to_string(template, {"user": user, "site_name": site_name, "url": url})
        subject_text = str(subject) % {"site": site_name}
    send_mail(subject_text, body, None, [user.email])
