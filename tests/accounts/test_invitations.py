"""Invitation and reset links: one use, one host, no hint whether an account exists."""

import re

from django.core import mail
from django.utils import translation
from django_tenants.utils import tenant_context

from shared_apps.accounts.invitations import user_invite
from shared_apps.accounts.models import User


def _link(message) -> str:
    found = re.search(r"http://\S+", message.body)
    assert found, "no link in the e-mail"
    return found.group(0)


def test_an_invited_user_chooses_a_password_once_and_signs_in(acme, client_for):
    with tenant_context(acme):
        user_invite(email="New.Person@Acme.example", full_name="New Person", role="member",
                    base_url="http://acme.localhost", site_name="Acme")  # fmt: skip
        assert not User.objects.get(email="new.person@acme.example").has_usable_password()
    link = _link(mail.outbox[-1])
    assert link.startswith("http://acme.localhost/accounts/set-password/")
    client = client_for("acme.localhost")
    form_page = client.get(link.removeprefix("http://acme.localhost"), follow=True)
    assert "Choose your password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-sturdy-passphrase-42", "new_password2": "a-sturdy-passphrase-42"},
    )
    assert response.status_code == 302
    client.sign_in("new.person@acme.example", "a-sturdy-passphrase-42")
    again = client_for("acme.localhost").get(link.removeprefix("http://acme.localhost"), follow=True)
    assert "no longer works" in again.content.decode()


def test_an_acme_link_does_nothing_on_globex(acme, client_for):
    with tenant_context(acme):
        user_invite(email="only@acme.example", full_name="Only", role="member",
                    base_url="http://acme.localhost", site_name="Acme")  # fmt: skip
    path = _link(mail.outbox[-1]).removeprefix("http://acme.localhost")
    assert "no longer works" in client_for("globex.localhost").get(path, follow=True).content.decode()


def test_a_weak_password_is_refused_with_a_message(acme, client_for):
    with tenant_context(acme):
        user_invite(email="weak@acme.example", full_name="Weak", role="member",
                    base_url="http://acme.localhost", site_name="Acme")  # fmt: skip
    client = client_for("acme.localhost")
    page = client.get(_link(mail.outbox[-1]).removeprefix("http://acme.localhost"), follow=True)
    response = client.post(page.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert "too short" in response.content.decode()


def test_password_reset_answers_the_same_for_unknown_addresses(client_for):
    client = client_for("acme.localhost")
    known = client.post("/accounts/password-reset/", {"email": "admin@acme.example"})
    sent = len(mail.outbox)
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@acme.example"})
    without_csrf = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert without_csrf.sub(b"", known.content) == without_csrf.sub(b"", unknown.content)
    assert len(mail.outbox) == sent == 1
    assert "/accounts/set-password/" in mail.outbox[0].body


def test_without_a_language_the_invitation_speaks_the_inviters_and_a_resend_the_accounts(acme):
    with tenant_context(acme), translation.override("fr"):
        user_invite(email="fleur@acme.example", full_name="Fleur", role="member", base_url="http://acme.localhost",
                    site_name="Acme")  # fmt: skip
        assert mail.outbox[-1].subject == "Votre compte Check-in pour Acme"
    with tenant_context(acme), translation.override("de"):
        user_invite(email="fleur@acme.example", full_name="Fleur", role="member", base_url="http://acme.localhost",
                    site_name="Acme")  # fmt: skip
        assert mail.outbox[-1].subject == "Votre compte Check-in pour Acme"  # the account's language, not the inviter's
