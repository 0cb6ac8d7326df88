"""Staffing a building without a shell: IT invites and deactivates desk accounts from the console, the provisioning
API and the `desk_staff` command, and `create_building --desk-email` invites the first one."""

import re

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from shared_apps.provisioning.desk_staff import desk_staff_deactivate, desk_staff_invite, reception_of
from shared_apps.tenancy.models import Building

pytestmark = pytest.mark.django_db


def _link(message, host: str) -> str:
    found = re.search(rf"http://{re.escape(host)}(?::\d+)?(/accounts/set-password/\S+)", message.body)
    assert found, f"no {host} link in the e-mail:\n{message.body}"
    return found.group(1)


def _choose_password_and_sign_in(client_for, host: str, link: str, email: str) -> None:
    """What the invited person does: open the link, choose a password, sign in (setting up the second factor)."""
    client = client_for(host)
    form_page = client.get(link, follow=True)
    assert "Choose your password" in form_page.content.decode()
    password = "a-sturdy-desk-passphrase-7"
    chosen = client.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})
    assert chosen.status_code == 302
    client.sign_in(email, password)
    assert client.get("/desk/").status_code == 200


def _account(building: Building, email: str) -> User:
    with tenant_context(reception_of(building)):
        return User.objects.get(email=email)


# --- the service --------------------------------------------------------------------------------------------


def test_an_invited_desk_account_is_created_in_the_reception_schema_and_mailed_after_commit(
    harbour, mailoutbox, django_capture_on_commit_callbacks, client_for
):
    with django_capture_on_commit_callbacks(execute=True):
        user, created = desk_staff_invite(building=harbour, email=" New.Desk@Harbour.example ", actor="it:test",
                                          language="nl")  # fmt: skip
    assert created and user.role == User.Role.DESK and user.email == "new.desk@harbour.example"
    assert not _account(harbour, "new.desk@harbour.example").has_usable_password()
    with tenant_context(Building.objects.get(slug="tower").tenants.get(type="reception")):
        assert not User.objects.filter(email="new.desk@harbour.example").exists()  # only harbour's desk
    [message] = mailoutbox
    assert message.to == ["new.desk@harbour.example"] and message.subject == "Uw Check-in-account voor Harbour House"
    # The audit log is append-only, so entries committed by the browser tests stay: this one is found by what it names.
    assert AuditEntry.objects.filter(
        action="desk_staff.invited", object_ids__user=[user.pk], tenant_schema=reception_of(harbour).schema_name
    ).exists()
    _choose_password_and_sign_in(client_for, "harbour.localhost", _link(message, "harbour.localhost"), user.email)


def test_inviting_again_resends_and_a_deactivated_account_must_choose_a_new_password(
    harbour, mailoutbox, django_capture_on_commit_callbacks
):
    desk = _account(harbour, "desk@harbour.example")
    with django_capture_on_commit_callbacks(execute=True):
        again, created = desk_staff_invite(building=harbour, email="desk@harbour.example", actor="it:test")
    assert not created and again.pk == desk.pk and len(mailoutbox) == 1
    assert _account(harbour, "desk@harbour.example").has_usable_password()  # an active account keeps its password

    desk_staff_deactivate(building=harbour, user=desk, actor="it:test")
    with django_capture_on_commit_callbacks(execute=True):
        desk_staff_invite(building=harbour, email="desk@harbour.example", actor="it:test")
    back = _account(harbour, "desk@harbour.example")
    assert back.is_active and not back.has_usable_password()  # the old password does not come back with it
    assert len(mailoutbox) == 2


def test_refusals_are_field_errors(harbour, tower):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        desk_staff_invite(building=harbour, email="not-an-address", actor="it:test")
    assert "email" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        desk_staff_invite(building=harbour, email="a@harbour.example", full_name="x" * 151, actor="it:test")
    assert "full_name" in refused.value.message_dict
    Building.objects.filter(pk=harbour.pk).update(archived_at="2026-01-01T00:00Z")
    harbour.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        desk_staff_invite(building=harbour, email="a@harbour.example", actor="it:test")
    assert "archived" in str(refused.value)


# --- the console ------------------------------------------------------------------------------------------


def test_it_invites_and_deactivates_from_the_console(it_staff, client_for, harbour, mailoutbox,
                                                     django_capture_on_commit_callbacks):  # fmt: skip
    page = it_staff.get("/console/buildings/harbour/desk-staff/")
    assert page.status_code == 200
    assert "desk@harbour.example" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        invite = {"email": "second@harbour.example", "full_name": "Second Desk", "language": "en"}
        response = it_staff.post("/console/buildings/harbour/desk-staff/", invite)
    assert response.status_code == 302
    listed = it_staff.get("/console/buildings/harbour/desk-staff/").content.decode()
    assert "second@harbour.example" in listed and "invited" in listed
    assert mailoutbox[-1].to == ["second@harbour.example"]

    desk = client_for("harbour.localhost").sign_in("desk@harbour.example")
    account = _account(harbour, "desk@harbour.example")
    response = it_staff.post(f"/console/buildings/harbour/desk-staff/{account.pk}/deactivate/")
    assert response.status_code == 302
    assert not _account(harbour, "desk@harbour.example").is_active
    assert desk.get("/desk/").status_code == 302  # signed out at once
    assert AuditEntry.objects.filter(action="desk_staff.deactivated", object_ids__user=[account.pk]).exists()


def test_the_console_refuses_bad_input_on_the_page_and_unknown_accounts(it_staff, harbour):
    response = it_staff.post("/console/buildings/harbour/desk-staff/", {"email": "nope", "language": "en"})
    assert response.status_code == 200 and "Enter a valid email address." in response.content.decode()
    # Ids are per reception schema: an id harbour's desk does not have is 404, whatever other desks hold.
    assert it_staff.post("/console/buildings/harbour/desk-staff/999999/deactivate/").status_code == 404
    assert it_staff.get("/console/buildings/nowhere/desk-staff/").status_code == 404


def test_a_new_building_from_the_console_invites_its_first_desk(it_staff, mailoutbox,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        building = {"name": "Dock Offices", "slug": "dock", "address": "", "timezone": "Europe/Brussels",
                    "desk_email": "first@dock.example"}  # fmt: skip
        response = it_staff.post("/console/buildings/new/", building)
    assert response.status_code == 302, response.content.decode()
    assert _account(Building.objects.get(slug="dock"), "first@dock.example").role == User.Role.DESK
    assert mailoutbox[-1].to == ["first@dock.example"]


# --- the API ----------------------------------------------------------------------------------------------


def test_the_api_lists_invites_and_deactivates(api, harbour, mailoutbox, django_capture_on_commit_callbacks):
    listed = api.get("/api/v1/buildings/harbour/desk-staff/")
    assert listed.status_code == 200
    assert [row["email"] for row in listed.json()] == ["desk@harbour.example"]
    assert listed.json()[0]["invitation_pending"] is False

    payload = {"email": "api@harbour.example", "full_name": "Api Desk", "language": "de"}
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/buildings/harbour/desk-staff/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["is_active"] is True and body["invitation_pending"] is True and body["language"] == "de"
    assert mailoutbox[-1].to == ["api@harbour.example"]
    again = api.post("/api/v1/buildings/harbour/desk-staff/", payload, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]

    assert api.get(f"/api/v1/buildings/harbour/desk-staff/{body['id']}/").json()["email"] == "api@harbour.example"
    gone = api.delete(f"/api/v1/buildings/harbour/desk-staff/{body['id']}/")
    assert gone.status_code == 200 and gone.json()["is_active"] is False
    assert AuditEntry.objects.filter(action="desk_staff.deactivated", actor__startswith="api:").exists()


def test_the_api_creates_a_building_with_its_first_desk(api, mailoutbox, django_capture_on_commit_callbacks):
    payload = {"slug": "quay", "name": "Quay House", "desk_email": "first@quay.example"}
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/api/v1/buildings/", payload, content_type="application/json").status_code == 201
    assert _account(Building.objects.get(slug="quay"), "first@quay.example").role == User.Role.DESK
    assert [message.to for message in mailoutbox] == [["first@quay.example"]]
    with django_capture_on_commit_callbacks(execute=True):
        again = api.post("/api/v1/buildings/", payload, content_type="application/json")
    assert again.status_code == 200 and len(mailoutbox) == 1  # the same request again sends nothing
    bad = api.post(
        "/api/v1/buildings/", {**payload, "slug": "quay2", "desk_email": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "desk_email" in bad.json()
    assert not Building.objects.filter(slug="quay2").exists()


def test_the_api_refuses_bad_input_and_unknown_accounts(api, harbour):
    response = api.post("/api/v1/buildings/harbour/desk-staff/", {"email": "nope"}, content_type="application/json")
    assert response.status_code == 400 and "email" in response.json()
    assert api.delete("/api/v1/buildings/harbour/desk-staff/999999/").status_code == 404
    assert _account(harbour, "desk@harbour.example").is_active
    assert api.get("/api/v1/buildings/nowhere/desk-staff/").status_code == 404


# --- the commands -----------------------------------------------------------------------------------------


def test_the_command_invites_lists_and_deactivates(harbour, mailoutbox, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("desk_staff", "invite", "harbour", "cli@harbour.example", "--name", "Cli Desk", "--language", "fr")
    assert mailoutbox[-1].to == ["cli@harbour.example"]
    assert mailoutbox[-1].subject == "Votre compte Check-in pour Harbour House"
    call_command("desk_staff", "list", "harbour")
    assert "cli@harbour.example\tCli Desk\tinvited" in capsys.readouterr().out
    call_command("desk_staff", "deactivate", "harbour", "cli@harbour.example")
    assert not _account(harbour, "cli@harbour.example").is_active
    assert AuditEntry.objects.filter(action="desk_staff.deactivated", actor__startswith="cli:").exists()


def test_the_command_explains_refusals(harbour):
    with pytest.raises(CommandError, match="Unknown building 'nowhere'"):
        call_command("desk_staff", "list", "nowhere")
    with pytest.raises(CommandError, match="has no desk account"):
        call_command("desk_staff", "deactivate", "harbour", "nobody@harbour.example")
    with pytest.raises(CommandError, match="Enter a valid e-mail address"):
        call_command("desk_staff", "invite", "harbour", "nope")


def test_create_building_takes_the_first_desk_email(mailoutbox, django_capture_on_commit_callbacks, db):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_building", "pier", "--name", "Pier One", "--desk-email", "Boss@Pier.example")
    assert _account(Building.objects.get(slug="pier"), "boss@pier.example").role == User.Role.DESK
    assert mailoutbox[-1].to == ["boss@pier.example"]
    assert "http://pier.localhost:8000/accounts/set-password/" in mailoutbox[-1].body


def test_create_building_with_a_bad_desk_email_creates_nothing(db):
    with pytest.raises(CommandError, match="Enter a valid e-mail address"):
        call_command("create_building", "pier", "--name", "Pier One", "--desk-email", "nope")
    assert not Building.objects.filter(slug="pier").exists()
