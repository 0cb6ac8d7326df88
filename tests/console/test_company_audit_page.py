"""A company's admins see the audit entries about their own company, and no one else's."""

import pytest

from shared_apps.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_an_admin_sees_only_entries_about_their_company(acme_admin):
    audit_record(actor="it:it@checkin.example", action="support.view", tenant_schema="acme")
    audit_record(actor="it:it@checkin.example", action="support.secret_globex", tenant_schema="globex")
    response = acme_admin.get("/audit/")
    assert response.status_code == 200
    actions = {entry.action for entry in response.context["page"].object_list}
    assert "support.view" in actions and "support.secret_globex" not in actions


def test_members_desk_and_anonymous_are_refused(acme_member, tower_desk, client_for):
    assert acme_member.get("/audit/").status_code == 404
    assert tower_desk.get("/audit/").status_code == 404
    assert client_for("acme.localhost").get("/audit/").status_code == 302
