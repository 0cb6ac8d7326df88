"""What walk-in approval needed besides the links: undecided walk-ins end server-side (the periodic job), an API
check-in of a waiting visit says why it is refused, and company staff approve or decline from the portal, under
the portal's rule, audited with who decided."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.audit.models import AuditEntry
from tenant_apps.api.services import api_token_create
from tenant_apps.kiosk.autocheckout import auto_checkout_run
from tenant_apps.visits.models import Visit, VisitEvent
from tests.conftest import HostClient
from tests.kiosk.test_walk_in_approval import approval_on, state_of, walk_in_waiting

pytestmark = pytest.mark.usefixtures("eager")


def _deadline_in(globex, visit: Visit, delta: dt.timedelta) -> None:
    with tenant_context(globex):
        Visit.objects.filter(pk=visit.pk).update(approval_deadline=timezone.now() + delta)


def test_the_periodic_job_ends_a_walk_in_waiting_past_the_timeout(kiosk_tower, globex,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    approval_on(globex)
    visit = walk_in_waiting(kiosk_tower, globex, django_capture_on_commit_callbacks)
    auto_checkout_run(building_slug="tower")
    assert state_of(globex, visit) == Visit.State.WAITING  # still within the company's timeout
    _deadline_in(globex, visit, -dt.timedelta(seconds=1))
    auto_checkout_run(building_slug="tower")
    assert state_of(globex, visit) == Visit.State.DECLINED
    entry = AuditEntry.objects.filter(action="visit.declined", object_ids={"visit": [visit.pk]}).get()
    assert entry.actor == "approval-timeout:tower" and entry.details == {"decided_by": "timeout"}
    with tenant_context(globex):
        assert VisitEvent.objects.filter(visit=visit, kind=VisitEvent.Kind.DECLINED).count() == 1
    auto_checkout_run(building_slug="tower")  # again: nothing more
    assert AuditEntry.objects.filter(action="visit.declined", object_ids={"visit": [visit.pk]}).count() == 1


def test_a_visit_the_desk_held_ends_at_the_auto_check_out(kiosk_tower, globex, django_capture_on_commit_callbacks):
    approval_on(globex)
    visit = walk_in_waiting(kiosk_tower, globex, django_capture_on_commit_callbacks)
    with tenant_context(globex):
        Visit.objects.filter(pk=visit.pk).update(state=Visit.State.HELD, approval_deadline=None)
    auto_checkout_run(building_slug="tower")  # the day's check-out time has not struck since it arrived
    assert state_of(globex, visit) == Visit.State.HELD
    auto_checkout_run(building_slug="tower", now=timezone.now() + dt.timedelta(days=1, hours=1))
    assert state_of(globex, visit) == Visit.State.DECLINED
    assert AuditEntry.objects.filter(action="visit.declined", object_ids={"visit": [visit.pk]},
                                     details={"decided_by": "timeout"}).exists()  # fmt: skip


def test_an_api_check_in_of_a_waiting_visit_says_why(kiosk_tower, globex, django_capture_on_commit_callbacks):
    approval_on(globex)
    visit = walk_in_waiting(kiosk_tower, globex, django_capture_on_commit_callbacks)
    with tenant_context(globex):
        admin = User.objects.get(email="admin@globex.example")
        key = api_token_create(name="CRM", created_by=admin)[1]
    api = HostClient("globex.localhost", HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api.post(f"/api/v1/visits/{visit.pk}/check-in/")
    assert response.status_code == 409
    assert "waits for the company's approval" in str(response.json()) and "has ended" not in str(response.json())
    with tenant_context(globex):
        Visit.objects.filter(pk=visit.pk).update(state=Visit.State.HELD, approval_deadline=None)
    assert "held by the front desk" in str(api.post(f"/api/v1/visits/{visit.pk}/check-in/").json())
    assert state_of(globex, visit) == Visit.State.HELD


def test_company_staff_approve_from_the_portal_audited_with_who(kiosk_tower, globex, globex_admin,
                                                               django_capture_on_commit_callbacks):  # fmt: skip
    approval_on(globex)
    visit = walk_in_waiting(kiosk_tower, globex, django_capture_on_commit_callbacks)
    page = globex_admin.get(f"/visits/{visit.pk}/").content.decode()
    assert f'action="/visits/{visit.pk}/approve/"' in page and f'action="/visits/{visit.pk}/decline/"' in page
    assert globex_admin.get(f"/visits/{visit.pk}/approve/").status_code == 405  # a GET decides nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = globex_admin.post(f"/visits/{visit.pk}/approve/")
    assert done["Location"] == f"/visits/{visit.pk}/"
    assert state_of(globex, visit) == Visit.State.ON_SITE
    entry = AuditEntry.objects.filter(action="visit.approved", object_ids={"visit": [visit.pk]}).get()
    assert entry.actor == "admin@globex.example" and entry.details == {"decided_by": "company"}
    assert kiosk_tower.get("/kiosk/waiting/status/").json() == {"changed": True}  # the kiosk prints the badge
    refused = globex_admin.post(f"/visits/{visit.pk}/decline/", follow=True).content.decode()  # decided: once
    assert "no longer waiting for a decision" in refused
    assert state_of(globex, visit) == Visit.State.ON_SITE
    assert f'/visits/{visit.pk}/approve/"' not in globex_admin.get(f"/visits/{visit.pk}/").content.decode()


def test_company_staff_cannot_decide_past_the_timeout_nor_for_the_desk(kiosk_tower, globex, globex_admin,
                                                                       django_capture_on_commit_callbacks):  # fmt: skip
    approval_on(globex)
    visit = walk_in_waiting(kiosk_tower, globex, django_capture_on_commit_callbacks)
    _deadline_in(globex, visit, -dt.timedelta(seconds=1))
    globex_admin.post(f"/visits/{visit.pk}/approve/")
    assert state_of(globex, visit) == Visit.State.WAITING
    with tenant_context(globex):
        Visit.objects.filter(pk=visit.pk).update(state=Visit.State.HELD, approval_deadline=None)
    globex_admin.post(f"/visits/{visit.pk}/approve/")  # a visit the desk holds is the desk's to decide
    assert state_of(globex, visit) == Visit.State.HELD
    assert not AuditEntry.objects.filter(action="visit.approved", object_ids={"visit": [visit.pk]}).exists()
