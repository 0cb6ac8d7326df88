"""Company users: invite with a set-password link, change role, deactivate (which signs them out at once)."""

from django.contrib.sessions.models import Session
from django.core import mail
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry


def test_an_admin_invites_a_member(acme, world, acme_admin):
    response = acme_admin.post("/users/invite/", {"full_name": "Nina New", "email": "Nina@Acme.example",
                                                  "role": "member", "language": "en"})  # fmt: skip
    assert response.status_code == 302
    with tenant_context(acme):
        nina = User.objects.get(email="nina@acme.example")
        assert (nina.role, nina.has_usable_password()) == ("member", False)
    assert "http://acme.localhost/accounts/set-password/" in mail.outbox[-1].body
    assert AuditEntry.objects.filter(action="user.invited", object_ids__user=[nina.pk]).exists()
    assert "Invited" in acme_admin.get("/users/").content.decode()


def test_only_the_roles_of_this_host_can_be_given(world, acme_admin):
    for role in ("it", "desk"):
        page = acme_admin.post("/users/invite/", {"full_name": "X", "email": "x@acme.example", "role": role})
        assert "Select a valid choice" in page.content.decode()
    page = acme_admin.post("/users/invite/", {"full_name": "", "email": "nope", "role": "member"}).content.decode()
    assert "Enter a valid email address" in page


def test_an_admin_changes_a_role_but_not_their_own(acme, world, acme_admin):
    acme_admin.post(f"/users/{world.colleague.pk}/role/", {f"u{world.colleague.pk}-role": "admin"})
    page = acme_admin.post(f"/users/{world.admin.pk}/role/", {f"u{world.admin.pk}-role": "member"}, follow=True)
    assert "You cannot change your own account here." in page.content.decode()
    with tenant_context(acme):
        assert User.objects.get(pk=world.colleague.pk).role == "admin"
        assert User.objects.get(pk=world.admin.pk).role == "admin"


def test_deactivating_a_user_signs_them_out_at_once(acme, world, acme_admin, acme_member):
    assert acme_member.get("/").status_code == 200
    acme_admin.post(f"/users/{world.member.pk}/active/", {"active": "0"})
    response = acme_member.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    with tenant_context(acme):
        assert not User.objects.get(pk=world.member.pk).is_active
        live = [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(world.member.pk)]
        assert live == []
    assert AuditEntry.objects.filter(action="user.deactivated", object_ids__user=[world.member.pk]).exists()
    acme_admin.post(f"/users/{world.member.pk}/active/", {"active": "1"})
    with tenant_context(acme):
        assert User.objects.get(pk=world.member.pk).is_active


def test_an_admin_cannot_deactivate_themselves(acme, world, acme_admin):
    page = acme_admin.post(f"/users/{world.admin.pk}/active/", {"active": "0"}, follow=True).content.decode()
    assert "You cannot change your own account here." in page
    assert acme_admin.get("/").status_code == 200


def test_the_invitation_is_written_in_the_chosen_language_offered_in_the_inviters(acme, world, acme_admin):
    form = acme_admin.get("/users/invite/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<option value="nl" selected>' in form  # the page's language, as a start
    acme_admin.post("/users/invite/", {"full_name": "Dora Deutsch", "email": "dora@acme.example", "role": "member",
                                       "language": "de"})  # fmt: skip
    assert mail.outbox[-1].subject == "Ihr Check-in-Konto für Acme Logistics"
    assert "Hallo Dora Deutsch" in mail.outbox[-1].body
    with tenant_context(acme):
        assert User.objects.get(email="dora@acme.example").language == "de"  # later e-mails follow it too
