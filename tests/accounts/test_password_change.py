"""A password change ends the account's other sessions (this one goes on); a reset by link ends them all."""

import re

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-fresh-passphrase-2027"


def _sessions(tenant, email: str) -> int:
    """Session rows signed in as `email`."""
    with tenant_context(tenant):
        user = User.objects.get(email=email)
        return sum(1 for session in Session.objects.all() if session.get_decoded().get(SESSION_KEY) == str(user.pk))


def test_changing_ones_password_signs_out_the_other_sessions_only(acme, client_for):
    here = client_for("acme.localhost").sign_in("member@acme.example")
    elsewhere = client_for("acme.localhost").sign_in("member@acme.example")
    admin = client_for("acme.localhost").sign_in("admin@acme.example")
    assert _sessions(acme, "member@acme.example") == 2
    response = here.post("/accounts/security/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                         "new_password2": NEW_PASSWORD})  # fmt: skip
    assert response["Location"] == "/accounts/security/"
    assert _sessions(acme, "member@acme.example") == 1  # the other session's row is gone, not only refused later
    assert here.get("/").status_code == 200 and admin.get("/").status_code == 200
    assert elsewhere.get("/")["Location"].startswith("/accounts/login/")
    assert AuditEntry.objects.get(action="password.changed").details == {"sessions_ended": 1}
    client_for("acme.localhost").sign_in("member@acme.example", NEW_PASSWORD)


def test_a_wrong_current_password_counts_as_a_failed_sign_in(acme_member, client_for):
    wrong = {"old_password": "not-it-at-all", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for _ in range(5):
        assert acme_member.post("/accounts/security/password/", wrong).status_code == 200
    locked = acme_member.post("/accounts/security/password/", {**wrong, "old_password": PASSWORD})
    assert locked.status_code == 429 and "Too many failed attempts" in locked.content.decode()
    response = client_for("acme.localhost").post("/accounts/login/", {"username": "member@acme.example",
                                                                      "password": PASSWORD})  # fmt: skip
    assert response.status_code == 429


def test_a_reset_by_link_signs_out_every_session(acme, acme_member, client_for):
    client_for("acme.localhost").post("/accounts/password-reset/", {"email": "member@acme.example"})
    found = re.search(r"http://acme\.localhost(\S+)", str(mail.outbox[-1].body))
    assert found is not None
    link = found.group(1)
    browser = client_for("acme.localhost")
    form = browser.get(link, follow=True)
    response = browser.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/login/"
    assert _sessions(acme, "member@acme.example") == 0  # deleted at once, before the session is used again
    assert acme_member.get("/")["Location"].startswith("/accounts/login/")
    assert AuditEntry.objects.get(action="password.set_by_link").details == {"sessions_ended": 1}


def test_the_django_admin_changes_passwords_on_the_same_page(it_staff):
    assert it_staff.get("/admin/password_change/")["Location"] == "/accounts/security/password/"
