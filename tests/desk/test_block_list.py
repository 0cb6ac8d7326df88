"""The building's block list: managed by the desk, matched at the kiosk and the desk (walk-in or invited), the visit
held for the desk with an alert; the visitor and the company learn nothing of the list; expired entries go."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from shared_apps.tenancy.models import Tenant
from tenant_apps.kiosk.block_list import BlockListDetails, block_list_add, name_key
from tenant_apps.kiosk.models import BlockListEntry, BlockListMatch
from tenant_apps.kiosk.tasks import block_list_purge_nightly
from tenant_apps.visits.models import Visit
from tests.kiosk.conftest import choose_language, invite, invited_check_in, kiosk_client, pair_device

REASON = "Threatened the staff on 3 November"
WALK_IN = {"first_name": "Jean-Pierre", "last_name": "DUPONT", "visitor_company": "", "email": "jp@example.org",
           "phone": "", "accept_notice": "on"}  # fmt: skip


@pytest.fixture
def tablet(client_for, tower):
    """A paired kiosk of tower."""
    return kiosk_client(client_for, tower, pair_device(tower)[1])


def banned(reception: Tenant, *, name: str = "Jean Pierre Dupont", email: str = "", days: int = 30) -> BlockListEntry:
    details = BlockListDetails(full_name=name, email=email, birth_date=dt.date(1980, 5, 1), document_hint="#4711",
                               reason=REASON, expires_on=timezone.localdate() + dt.timedelta(days=days))  # fmt: skip
    with tenant_context(reception):
        return block_list_add(details=details, actor="desk:tower:desk@tower.example")


def last_visit(company: Tenant) -> Visit:
    with tenant_context(company):
        return Visit.objects.select_related("visitor").order_by("-pk")[0]


def alerts(reception: Tenant) -> list[BlockListMatch]:
    with tenant_context(reception):
        return list(BlockListMatch.objects.all())


def test_names_match_whatever_their_case_accents_order_and_punctuation():
    assert name_key("Jean-Pierre Dupont") == name_key("DUPONT, jean pierre") == name_key("Jéan  Pierre Dupönt")
    assert name_key("Jean Dupont") != name_key("Jean-Pierre Dupont")


def test_a_kiosk_walk_in_that_matches_is_held_and_the_desk_alerted(tablet, tower_reception, globex, tower_desk):
    entry = banned(tower_reception)
    choose_language(tablet)
    tablet.post("/kiosk/walk-in/", {"company": globex.pk})
    assert tablet.post("/kiosk/walk-in/details/", WALK_IN)["Location"] == "/kiosk/waiting/"
    page = tablet.get("/kiosk/waiting/").content.decode()
    assert "Please see the reception desk" in page
    assert REASON not in page and "block" not in page.lower() and "Jean-Pierre" not in page
    visit = last_visit(globex)
    assert visit.state == Visit.State.HELD and visit.checked_in_at is None
    [alert] = alerts(tower_reception)
    assert (alert.entry_id, alert.company_id, alert.visit_id, alert.on) == (entry.pk, globex.pk, visit.pk, "name")
    matched = AuditEntry.objects.get(action="block_list.matched")
    assert matched.tenant_schema == tower_reception.schema_name and matched.object_ids["visit"] == [visit.pk]
    board = tower_desk.get("/desk/").content.decode()
    assert 'data-block-list-alerts="1"' in board and 'data-section="decide"' in board
    url = f"/desk/visits/globex/{visit.pk}/decide/"
    page = tower_desk.get(url).content.decode()
    assert REASON in page and "#4711" in page and 'value="approve"' in page
    assert tower_desk.post(url, {"decision": "approve"}).status_code == 302
    assert last_visit(globex).state == Visit.State.ON_SITE
    [alert] = alerts(tower_reception)
    assert alert.decision == "approve" and alert.decided_by == "desk:tower:desk@tower.example"
    assert AuditEntry.objects.filter(action="block_list.decided", object_ids__visit=[visit.pk]).exists()
    assert "data-block-list-alerts" not in tower_desk.get("/desk/").content.decode()


def test_an_invited_visitor_who_matches_by_e_mail_is_held_at_the_kiosk(tablet, tower_reception, acme):
    banned(tower_reception, name="Someone Else", email="Ivy@Example.org ")
    visit = invite(acme, first="Ivy", last="Invited", email="ivy@example.org")
    responses = invited_check_in(tablet, visit.code)
    assert "Please see the reception desk" in responses[-1].content.decode()
    with tenant_context(acme):
        assert Visit.objects.get(pk=visit.pk).state == Visit.State.HELD
    assert [alert.on for alert in alerts(tower_reception)] == ["email"]


def test_a_desk_check_in_and_a_desk_walk_in_that_match_are_held(tower_desk, tower_reception, acme):
    banned(tower_reception)
    visit = invite(acme, first="Jean", last="Pierre Dupont")
    response = tower_desk.post(f"/desk/visits/acme/{visit.pk}/check-in/", {"notice_accepted": "on"})
    assert response["Location"] == f"/desk/visits/acme/{visit.pk}/decide/"
    with tenant_context(acme):
        assert Visit.objects.get(pk=visit.pk).state == Visit.State.HELD
    response = tower_desk.post("/desk/walk-in/", {
        "company": "acme", "host": "", "first_name": "Jean-Pierre", "last_name": "Dupont", "visitor_company": "",
        "email": "", "phone": "", "language": "fr", "expected_end": "23:59", "notice_accepted": "on",
    })  # fmt: skip
    walk_in = last_visit(acme)
    assert response.status_code == 302 and response["Location"] == f"/desk/visits/acme/{walk_in.pk}/decide/"
    assert walk_in.state == Visit.State.HELD
    assert tower_desk.post(response["Location"], {"decision": "decline"}).status_code == 302
    assert last_visit(acme).state == Visit.State.DECLINED
    assert len(alerts(tower_reception)) == 2


def test_the_company_sees_only_that_the_desk_held_the_visit(tablet, tower_reception, acme, acme_admin):
    banned(tower_reception)
    choose_language(tablet)
    tablet.post("/kiosk/walk-in/", {"company": acme.pk})
    tablet.post("/kiosk/walk-in/details/", WALK_IN)
    visit = last_visit(acme)
    seen = acme_admin.get(f"/visits/{visit.pk}/").content.decode() + acme_admin.get("/").content.decode()
    seen += acme_admin.get(f"/api/v1/visits/{visit.pk}/").content.decode() + acme_admin.get("/audit/").content.decode()
    assert "held by the front desk" in seen.lower() or "held" in seen
    for secret in (REASON, "#4711", "1980", "block_list", "Block list"):
        assert secret not in seen


def test_the_desk_manages_the_list_and_gets_form_errors_in_its_language(tower_desk, tower_reception):
    tower_desk.post("/i18n/setlang/", {"language": "fr"})
    far, fine = (timezone.localdate() + dt.timedelta(days=days) for days in (400, 180))
    response = tower_desk.post("/desk/block-list/", {"full_name": "Eve Evil", "reason": "", "expires_on": far})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "reason" in errors
    assert "Choisissez une date d\u2019expiration" in response.content.decode()
    response = tower_desk.post("/desk/block-list/", {"full_name": "Eve Evil", "reason": "Stole a laptop",
                                                     "email": "EVE@example.org",
                                                     "expires_on": fine})  # fmt: skip
    assert response.status_code == 302
    with tenant_context(tower_reception):
        entry = BlockListEntry.objects.get(full_name="Eve Evil")
    assert entry.email == "eve@example.org" and entry.added_by == "desk:tower:desk@tower.example"
    assert "Eve Evil" in tower_desk.get("/desk/block-list/").content.decode()
    assert tower_desk.post(f"/desk/block-list/{entry.pk}/remove/").status_code == 302
    with tenant_context(tower_reception):
        assert not BlockListEntry.objects.filter(pk=entry.pk).exists()
    assert AuditEntry.objects.filter(action__in=["block_list.added", "block_list.removed"]).count() == 2


@pytest.mark.parametrize("persona", ["harbour_desk", "acme_admin", "it_staff"])
def test_no_one_but_the_buildings_desk_sees_the_list(request, persona, tower_reception, client_for):
    entry = banned(tower_reception)
    client = request.getfixturevalue(persona)
    tower = client_for("tower.localhost")
    tower.cookies = client.cookies  # a cookie from another host is worthless here
    for response in (tower.get("/desk/block-list/"), client.get("/desk/block-list/")):
        assert response.status_code in (302, 404) and REASON not in response.content.decode()
    assert tower.post(f"/desk/block-list/{entry.pk}/remove/").status_code in (302, 403, 404)
    with tenant_context(tower_reception):
        assert BlockListEntry.objects.filter(pk=entry.pk).exists()


def test_the_nightly_job_deletes_expired_entries(tower_reception, tablet, globex):
    kept, expired = banned(tower_reception, name="Kept Person"), banned(tower_reception, name="Gone Person")
    with tenant_context(tower_reception):
        BlockListEntry.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert block_list_purge_nightly()["tower"] == 1
    with tenant_context(tower_reception):
        assert list(BlockListEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert AuditEntry.objects.get(action="block_list.purged").details == {"deleted": 1}


def test_it_manages_a_buildings_list_with_the_command(tower_reception):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("block_list", "add", "tower", "--by", "it@checkin.example", "--name", "Ivan Intruder",
                 "--reason", "Court order", stdout=out)  # fmt: skip
    entry_id = int(out.getvalue().split()[2].rstrip(","))
    with tenant_context(tower_reception):
        entry = BlockListEntry.objects.get(pk=entry_id)
    assert entry.added_by == "it:it@checkin.example" and entry.expires_at.date() > timezone.localdate()
    listed = StringIO()
    call_command("block_list", "list", "tower", stdout=listed)
    assert "Ivan Intruder" in listed.getvalue()
    with pytest.raises(CommandError, match="between tomorrow and one year"):
        call_command("block_list", "add", "tower", "--by", "it@checkin.example", "--name", "X", "--reason", "Y",
                     "--expires-on", "2099-01-01")  # fmt: skip
    call_command("block_list", "remove", "tower", "--by", "it@checkin.example", "--id", str(entry_id), stdout=out)
    with tenant_context(tower_reception):
        assert not BlockListEntry.objects.filter(pk=entry_id).exists()


# --- Remembered by the web process (tenant_apps/kiosk/block_list.py `_indexes`): nearly nobody is on the list ------


def _block_list_reads(queries) -> int:
    return sum('"kiosk_blocklistentry"' in query["sql"] for query in queries.captured_queries)


def test_with_the_memories_on_a_visitor_not_listed_costs_no_read_and_a_new_entry_holds_at_once(
    remembering, tablet, tower_reception, globex
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    banned(tower_reception, name="Someone Else")
    for number, expected_reads in ((1, 1), (2, 0)):  # the index read once, then remembered
        choose_language(tablet)
        tablet.post("/kiosk/walk-in/", {"company": globex.pk})
        with CaptureQueriesContext(connection) as queries:
            done = tablet.post("/kiosk/walk-in/details/", {**WALK_IN, "email": f"w{number}@example.org",
                                                           "last_name": f"Walker{number}"})  # fmt: skip
        assert done["Location"] == "/kiosk/done/" and _block_list_reads(queries) == expected_reads
    banned(tower_reception)  # saved by the desk: this process forgets the index at once, others at their next request
    choose_language(tablet)
    tablet.post("/kiosk/walk-in/", {"company": globex.pk})
    assert tablet.post("/kiosk/walk-in/details/", WALK_IN)["Location"] == "/kiosk/waiting/"
    assert last_visit(globex).state == Visit.State.HELD


def test_an_entry_added_by_another_process_holds_at_the_next_request(remembering, tablet, tower_reception, acme):
    from tests.foundation.test_brief_memory import _as_another_process

    first = invite(acme, first="Ann", last="Early", email="ann@example.org")
    assert invited_check_in(tablet, first.code)[-1].redirect_chain[-1][0] == "/kiosk/done/"  # the index remembered
    with tenant_context(tower_reception):  # written by another web process: no signal reaches this one
        BlockListEntry.objects.bulk_create([BlockListEntry(
            full_name="Someone", name_key=name_key("Someone"), email="ivy@example.org", reason=REASON,
            added_by="desk:tower:desk@tower.example", expires_at=timezone.now() + dt.timedelta(days=1),
        )])  # fmt: skip
    _as_another_process("kiosk.BlockListEntry")  # its transaction bumped the generation
    visit = invite(acme, first="Ivy", last="Invited", email="ivy@example.org")
    assert "Please see the reception desk" in invited_check_in(tablet, visit.code)[-1].content.decode()
    with tenant_context(acme):
        assert Visit.objects.get(pk=visit.pk).state == Visit.State.HELD
    assert [alert.on for alert in alerts(tower_reception)] == ["email"]


def test_a_remembered_entry_stops_matching_when_it_expires():
    from tenant_apps.kiosk.block_list import BlockListIndex

    now = timezone.now()
    index = BlockListIndex(names={name_key("Jean Dupont"): now + dt.timedelta(minutes=1)},
                           emails={"gone@example.org": now - dt.timedelta(seconds=1)})  # fmt: skip
    assert index.may_match(first_name="jean", last_name="DUPONT", email="")
    assert not index.may_match(first_name="Jean", last_name="Other", email="gone@example.org")
    assert not index.may_match(first_name="", last_name="", email="")
