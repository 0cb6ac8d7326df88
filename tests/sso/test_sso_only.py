"""Single sign-on only: a company's members may not sign in, reset or change a password; its admins keep theirs
(break-glass), so a broken identity provider never locks the company out."""

from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import SignInRecord, User
from shared_apps.accounts.services import user_ensure
from tests.conftest import PASSWORD
from tests.sso.conftest import sso_configure

MEMBER = "member@globex.example"


def _member(globex):
    with tenant_context(globex):
        return user_ensure(email=MEMBER, full_name="Globex Member", role=User.Role.MEMBER, password=PASSWORD)


def test_a_member_s_right_password_is_refused_and_told_to_use_the_provider(client_for, globex, oidc_issuer):
    _member(globex)
    sso_configure(globex, oidc_issuer, sso_only=True)
    client = client_for("globex.localhost")
    response = client.post("/accounts/login/", {"username": MEMBER, "password": PASSWORD})
    assert response.status_code == 200 and b"identity provider" in response.content
    assert client.get("/")["Location"].startswith("/accounts/login/")
    with tenant_context(globex):
        assert SignInRecord.objects.filter(event=SignInRecord.Event.PASSWORD_REFUSED_SSO).count() == 1
    # A wrong password says only that it is wrong: nothing about the account to someone without its password.
    wrong = client.post("/accounts/login/", {"username": MEMBER, "password": "not-it-at-all"})
    assert b"identity provider" not in wrong.content and b"do not match" in wrong.content


def test_the_admin_keeps_password_sign_in(client_for, globex, oidc_issuer):
    sso_configure(globex, oidc_issuer, sso_only=True)
    client = client_for("globex.localhost").sign_in("admin@globex.example")
    assert client.get("/settings/sso/").status_code == 200


def test_passwords_work_again_without_sso_only(client_for, globex, oidc_issuer):
    _member(globex)
    sso_configure(globex, oidc_issuer, sso_only=False)
    client_for("globex.localhost").sign_in(MEMBER)


def test_a_member_gets_no_reset_link_and_an_old_link_sets_nothing(client_for, globex, oidc_issuer):
    member = _member(globex)
    with tenant_context(globex):
        link = (
            f"/accounts/set-password/{urlsafe_base64_encode(force_bytes(member.pk))}/"
            f"{default_token_generator.make_token(member)}/"
        )
    sso_configure(globex, oidc_issuer, sso_only=True)
    client = client_for("globex.localhost")
    response = client.post("/accounts/password-reset/", {"email": MEMBER})
    assert response.status_code == 200 and mail.outbox == []  # the same answer, no link
    client.post("/accounts/password-reset/", {"email": "admin@globex.example"})
    assert len(mail.outbox) == 1  # the admin's break-glass password can still be reset
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = client.post(
        form_url, {"new_password1": "A-new-passphrase-2027", "new_password2": "A-new-passphrase-2027"}
    )
    assert response.status_code == 200 and b"identity provider" in response.content
    with tenant_context(globex):
        assert User.objects.get(email=MEMBER).check_password(PASSWORD)


def test_a_signed_in_member_cannot_give_itself_a_password(client_for, globex, oidc_issuer):
    _member(globex)
    client = client_for("globex.localhost").sign_in(MEMBER)
    sso_configure(globex, oidc_issuer, sso_only=True)
    response = client.post(
        "/accounts/security/password/",
        {"old_password": PASSWORD, "new_password1": "A-new-passphrase-2027", "new_password2": "A-new-passphrase-2027"},
    )
    assert response.status_code == 200 and b"identity provider" in response.content
    with tenant_context(globex):
        assert User.objects.get(email=MEMBER).check_password(PASSWORD)


def test_an_invited_member_is_sent_to_the_provider_not_to_a_password_link(globex, oidc_issuer):
    from shared_apps.accounts.invitations import user_invite

    sso_configure(globex, oidc_issuer, sso_only=True)
    with tenant_context(globex):
        user_invite(email="new.member@globex.example", full_name="New Member", role=User.Role.MEMBER,
                    base_url="http://globex.localhost:8000/", site_name="Globex", language="fr")  # fmt: skip
        user_invite(email="new.admin@globex.example", full_name="New Admin", role=User.Role.ADMIN,
                    base_url="http://globex.localhost:8000/", site_name="Globex")  # fmt: skip
    member_mail, admin_mail = mail.outbox
    assert "http://globex.localhost:8000/accounts/login/" in member_mail.body
    assert "set-password" not in member_mail.body and "Votre entreprise vous connecte" in member_mail.body
    assert "/accounts/set-password/" in admin_mail.body  # the break-glass admin chooses a password
