"""“View as support”: a reason, 30 minutes, read-only, every page audited; without it IT sees no visitor."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from shared_apps.console.models import SupportGrant
from shared_apps.console.services import support_grant_start
from tenant_apps.visits.models import Visit, Visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def zelda_visit(acme):
    now = timezone.now()
    with tenant_context(acme):
        visitor = Visitor.objects.create(first_name="Zelda", last_name="Quixotic")
        Visit.objects.create(visitor=visitor, expected_start=now, expected_end=now + datetime.timedelta(hours=1),
                             channel=Visit.Channel.INVITATION)  # fmt: skip
    return visitor


CONSOLE_PAGES = ["/", "/console/companies/", "/console/companies/acme/", "/console/audit/", "/console/maintenance/",
                 "/console/support/", "/api/v1/schema/"]  # fmt: skip


def test_without_a_grant_it_sees_no_visitor_anywhere(it_staff, zelda_visit):
    for url in CONSOLE_PAGES:
        assert b"Quixotic" not in it_staff.get(url).content, url


def test_a_reason_is_required(it_staff, acme, it_user):
    response = it_staff.post("/console/support/", {"company": "acme", "reason": "x"})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert not SupportGrant.objects.exists()
    with pytest.raises(ValidationError):
        support_grant_start(user=it_user, company=acme, reason="   ")


def test_a_grant_shows_the_company_visits_and_audits_each_look(it_staff, zelda_visit):
    response = it_staff.post("/console/support/", {"company": "acme", "reason": "Ticket 4711: missing visit"})
    assert response.status_code == 302
    page = it_staff.get(response["Location"])
    assert page.status_code == 200 and b"Quixotic" in page.content
    it_staff.get(response["Location"])
    looks = AuditEntry.objects.filter(action="support.view", tenant_schema="acme")
    assert looks.count() == 2
    assert looks.latest("id").details["reason"] == "Ticket 4711: missing visit"
    assert AuditEntry.objects.filter(action="support.start", tenant_schema="acme").exists()
    assert not any("Quixotic" in str(entry.details) for entry in AuditEntry.objects.all())


def test_a_grant_expires_after_30_minutes(it_staff, zelda_visit):
    url = it_staff.post("/console/support/", {"company": "acme", "reason": "Ticket 4712: check-in failed"})["Location"]
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        assert it_staff.get(url).status_code == 404


def test_a_grant_can_be_ended_and_is_only_for_its_owner(it_staff, client_for, zelda_visit):
    url = it_staff.post("/console/support/", {"company": "acme", "reason": "Ticket 4713: wrong host"})["Location"]
    grant = SupportGrant.objects.get()
    User.objects.create_user("it2@checkin.example", "checkin-demo-2026", full_name="IT 2", role=User.Role.IT)
    other = client_for("localhost").sign_in("it2@checkin.example")
    assert other.get(url).status_code == 404
    it_staff.post(f"/console/support/{grant.pk}/end/")
    assert it_staff.get(url).status_code == 404
    assert AuditEntry.objects.filter(action="support.end").exists()
