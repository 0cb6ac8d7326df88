"""Walk-in approval: a kiosk walk-in of a company that approves walk-ins waits; the host (or the reception address)
approves or declines by a signed, single-use, expiring link; the kiosk's waiting screen turns into the badge or
sends the visitor to the desk; the desk decides when the company lets it. Invited visitors are never held."""

import datetime as dt
import json
import re
from collections.abc import Iterator

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from shared_apps.tenancy.models import Tenant
from tenant_apps.notifications.models import Delivery
from tenant_apps.visits.models import CompanySettings, Host, Visit, VisitEvent
from tests.kiosk.conftest import choose_language, invite, invited_check_in
from tests.notifications.receiver import Receiver, webhook_receiver

pytestmark = pytest.mark.usefixtures("eager")


@pytest.fixture
def company_hook() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


DETAILS = {"first_name": "Wendy", "last_name": "Waiting", "visitor_company": "Vandelay", "email": "wendy@example.org",
           "phone": "", "accept_notice": "on"}  # fmt: skip
LINK = re.compile(r"http://globex\.localhost:8000/approval/[^/\s]+/")


def approval_on(company: Tenant, **values: object) -> None:
    with tenant_context(company):
        CompanySettings.objects.update_or_create(
            pk=1, defaults={"walk_in_approval": True, "reception_email": "reception@globex.example", **values}
        )


def walk_in_waiting(client, company: Tenant, capture, *, language: str = "en") -> Visit:
    choose_language(client, language)
    client.post("/kiosk/walk-in/", {"company": company.pk})
    with capture(execute=True):
        response = client.post("/kiosk/walk-in/details/", DETAILS)
    assert response["Location"] == "/kiosk/waiting/"
    with tenant_context(company):
        return Visit.objects.select_related("visitor").order_by("-pk")[0]


def links(to: str) -> tuple[str, str]:
    message = next(message for message in mail.outbox if message.to == [to] and "Wendy" in message.subject)
    approve, decline = LINK.findall(str(message.body))[:2]
    return approve.removeprefix("http://globex.localhost:8000"), decline.removeprefix("http://globex.localhost:8000")


def state_of(company: Tenant, visit: Visit) -> str:
    with tenant_context(company):
        return Visit.objects.get(pk=visit.pk).state


def test_it_waits_and_the_reception_approves_by_link(kiosk_tower, globex, client_for,
                                                     django_capture_on_commit_callbacks):  # fmt: skip
    approval_on(globex)
    visit = walk_in_waiting(kiosk_tower, globex, django_capture_on_commit_callbacks)
    assert visit.state == Visit.State.WAITING and visit.checked_in_at is None and visit.consent_notice_version
    page = kiosk_tower.get("/kiosk/waiting/").content.decode()
    assert "We have asked Globex Consulting to confirm your visit" in page and "data-poll" in page
    assert kiosk_tower.get("/kiosk/waiting/status/").json() == {"changed": False}
    approve, _decline = links("reception@globex.example")
    company_host = client_for("globex.localhost")
    ask = company_host.get(approve)
    assert ask.status_code == 200 and "Wendy Waiting" in ask.content.decode()
    assert state_of(globex, visit) == Visit.State.WAITING  # opening the link decides nothing (mail scanners)
    with django_capture_on_commit_callbacks(execute=True):
        done = company_host.post(approve)
    assert done.status_code == 200 and "Approved" in done.content.decode()
    assert state_of(globex, visit) == Visit.State.ON_SITE
    assert kiosk_tower.get("/kiosk/waiting/status/").json() == {"changed": True}
    response = kiosk_tower.get("/kiosk/waiting/")
    assert response["Location"] == "/kiosk/done/"
    assert "Welcome, Wendy" in kiosk_tower.get("/kiosk/done/").content.decode()
    badge = kiosk_tower.get("/kiosk/badge/")
    assert badge.status_code == 200 and "Waiting" in badge.content.decode()
    entry = AuditEntry.objects.filter(action="visit.approved").latest("pk")
    assert entry.actor == "approval-link:reception:reception@globex.example"
    assert entry.details == {"decided_by": "reception"} and entry.object_ids == {"visit": [visit.pk]}
    with tenant_context(globex):
        kinds = list(VisitEvent.objects.filter(visit=visit).values_list("kind", flat=True))
        deliveries = set(Delivery.objects.filter(visit=visit).values_list("kind", flat=True))
    assert kinds == ["registered", "approval_asked", "approved", "checked_in"]
    assert deliveries == {Delivery.Kind.APPROVAL_EMAIL}  # no second "has arrived" e-mail to who approved


def test_a_used_or_altered_link_does_nothing(kiosk_tower, globex, client_for, django_capture_on_commit_callbacks):
    approval_on(globex)
    visit = walk_in_waiting(kiosk_tower, globex, django_capture_on_commit_callbacks)
    approve, decline = links("reception@globex.example")
    company_host = client_for("globex.localhost")
    altered = approve[:-6] + ("A" if approve[-6] != "A" else "B") + approve[-5:]
    assert company_host.post(altered).status_code == 404
    assert company_host.get(decline.replace("approval/", "approval/x")).status_code == 404
    assert state_of(globex, visit) == Visit.State.WAITING
    assert company_host.post(decline).status_code == 200
    assert state_of(globex, visit) == Visit.State.DECLINED
    used = company_host.post(approve)  # the other link of the pair, after a decision: nothing
    assert used.status_code == 404 and "no longer works" in used.content.decode()
    assert company_host.post(decline).status_code == 404
    assert state_of(globex, visit) == Visit.State.DECLINED
    assert AuditEntry.objects.filter(action__in=["visit.approved", "visit.declined"],
                                     object_ids={"visit": [visit.pk]}).count() == 1  # fmt: skip
    # Another company's host does not take the link, whatever its visit ids.
    assert client_for("acme.localhost").get(approve).status_code == 404


def test_declined_the_kiosk_sends_the_visitor_to_the_desk(kiosk_tower, globex, client_for,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    approval_on(globex)
    walk_in_waiting(kiosk_tower, globex, django_capture_on_commit_callbacks, language="fr")
    _approve, decline = links("reception@globex.example")
    client_for("globex.localhost").post(decline)
    page = kiosk_tower.get("/kiosk/waiting/").content.decode()
    assert "Veuillez vous adresser à l\u2019accueil" in page
    assert "Wendy" not in page
    assert kiosk_tower.get("/kiosk/waiting/")["Location"] == "/kiosk/"  # forgotten on the device


def test_after_the_timeout_the_kiosk_sends_to_the_desk_and_links_do_nothing(
    kiosk_tower, globex, client_for, django_capture_on_commit_callbacks
):
    approval_on(globex, approval_timeout_minutes=5)
    visit = walk_in_waiting(kiosk_tower, globex, django_capture_on_commit_callbacks)
    assert visit.approval_deadline is not None
    assert dt.timedelta(minutes=4) < visit.approval_deadline - timezone.now() <= dt.timedelta(minutes=5)
    approve, _decline = links("reception@globex.example")
    with tenant_context(globex):
        Visit.objects.filter(pk=visit.pk).update(approval_deadline=timezone.now() - dt.timedelta(seconds=1))
    assert kiosk_tower.get("/kiosk/waiting/status/").json() == {"changed": True}
    assert "Please see the reception desk" in kiosk_tower.get("/kiosk/waiting/").content.decode()
    assert client_for("globex.localhost").post(approve).status_code == 404
    assert state_of(globex, visit) == Visit.State.WAITING  # the desk sees it still, and decides if allowed


def test_the_host_is_asked_when_one_was_chosen(kiosk_tower, globex, django_capture_on_commit_callbacks):
    approval_on(globex, show_hosts_on_kiosk=True)
    with tenant_context(globex):
        host = Host.objects.create(name="Lena Host", email="lena@globex.example")
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    kiosk_tower.post("/kiosk/walk-in/host/", {"host": host.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert kiosk_tower.post("/kiosk/walk-in/details/", DETAILS)["Location"] == "/kiosk/waiting/"
    assert [m.to for m in mail.outbox if "Wendy" in m.subject] == [["lena@globex.example"]]
    assert links("lena@globex.example")


def test_the_building_can_require_it_for_every_company(kiosk_tower, tower, acme, django_capture_on_commit_callbacks):
    tower.walk_in_approval_required = True
    tower.save()
    with tenant_context(acme):
        assert not CompanySettings.objects.filter(pk=1, walk_in_approval=True).exists()
    walk_in_waiting(kiosk_tower, acme, django_capture_on_commit_callbacks)


def test_without_the_setting_a_walk_in_is_checked_in_at_once(kiosk_tower, globex, django_capture_on_commit_callbacks):
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    assert kiosk_tower.post("/kiosk/walk-in/details/", DETAILS)["Location"] == "/kiosk/done/"


def test_invited_visitors_are_not_held(kiosk_tower, tower, globex):
    approval_on(globex)
    tower.walk_in_approval_required = True
    tower.save()
    visit = invite(globex, first="Ivy", last="Invited")
    responses = invited_check_in(kiosk_tower, visit.code)
    assert responses[-1].redirect_chain[-1][0] == "/kiosk/done/"
    assert state_of(globex, visit) == Visit.State.ON_SITE


def test_the_webhook_gets_the_event_with_the_links(kiosk_tower, globex, django_capture_on_commit_callbacks,
                                                  company_hook, settings):  # fmt: skip
    settings.CHECKIN_WEBHOOK_ALLOW_PRIVATE = True  # the test receiver listens on 127.0.0.1
    approval_on(globex, webhook_url=company_hook.url, webhook_secret="s3cret")
    visit = walk_in_waiting(kiosk_tower, globex, django_capture_on_commit_callbacks)
    body = json.loads(company_hook.calls[0].body)
    assert body["event"] == "visit.approval_requested" and body["visit"]["id"] == visit.pk
    assert LINK.match(body["approve_url"]) and LINK.match(body["decline_url"])
    assert "Waiting" not in str(body)  # of the visitor only the first name


def test_the_desk_decides_only_when_the_company_lets_it(kiosk_tower, globex, tower_desk,
                                                        django_capture_on_commit_callbacks):  # fmt: skip
    approval_on(globex)
    visit = walk_in_waiting(kiosk_tower, globex, django_capture_on_commit_callbacks)
    board = tower_desk.get("/desk/").content.decode()
    assert 'data-section="decide"' in board and board.index('data-section="decide"') < board.index(
        'data-section="expected"'
    )
    url = f"/desk/visits/globex/{visit.pk}/decide/"
    page = tower_desk.get(url).content.decode()
    assert "approves its walk-ins itself" in page and 'value="approve"' not in page
    assert tower_desk.post(url, {"decision": "approve"}).status_code == 400
    assert state_of(globex, visit) == Visit.State.WAITING
    approval_on(globex, desk_may_decide=True)
    assert 'value="approve"' in tower_desk.get(url).content.decode()
    assert tower_desk.post(url, {"decision": "nonsense"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert tower_desk.post(url, {"decision": "approve"}).status_code == 302
    assert state_of(globex, visit) == Visit.State.ON_SITE
    entry = AuditEntry.objects.filter(action="visit.approved").latest("pk")
    assert entry.actor == "desk:tower:desk@tower.example" and entry.details == {"decided_by": "desk"}
    assert AuditEntry.objects.filter(action="desk.visit.approved", object_ids__visit=[visit.pk]).exists()
    assert kiosk_tower.get("/kiosk/waiting/")["Location"] == "/kiosk/done/"


def test_the_settings_form_refuses_a_timeout_out_of_bounds_in_the_users_language(acme_admin):
    acme_admin.post("/i18n/setlang/", {"language": "nl"})
    response = acme_admin.post("/settings/", {"approval_timeout_minutes": "0", "walk_in_approval": "on"},
                               HTTP_ACCEPT_LANGUAGE="nl")  # fmt: skip
    assert response.status_code in (200, 400)
    assert "approval_timeout_minutes" in response.context["form"].errors
    response = acme_admin.post("/settings/", {"approval_timeout_minutes": "15", "walk_in_approval": "on",
                                              "desk_may_decide": "on"})  # fmt: skip
    assert response.status_code == 302
    with tenant_context(Tenant.objects.get(slug="acme")):
        saved = CompanySettings.objects.get(pk=1)
    assert (saved.walk_in_approval, saved.approval_timeout_minutes, saved.desk_may_decide) == (True, 15, True)
