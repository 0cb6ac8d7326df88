"""The POST that stores a check-in is the kiosk's busiest request: it runs a fixed, small number of queries.

The counts include the host's lookup (the tests do not cache hosts) and the device's; a query added to these
paths shows here first, so it is added knowingly (see tests/bench/load.py for what each costs).
"""

import datetime as dt

from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.notifications.models import Delivery
from tenant_apps.visits.models import Host, Visit, VisitEvent
from tests.kiosk.conftest import choose_language, invite, visit_in

DETAILS = {"first_name": "Wim", "last_name": "Walker", "visitor_company": "", "email": "wim@example.org",
           "phone": "", "accept_notice": "on"}  # fmt: skip


def test_storing_a_walk_in_takes_sixteen_queries(kiosk_tower, globex, django_assert_max_num_queries):
    """Host, device, the device's walk-in count (shared by every process: public.rate_counter), company, documents,
    the building's block list (tenant_apps/kiosk/block_list.py), role scope, savepoint, the company's settings
    (whether walk-ins wait for approval), visitor, objection lifted, visit, events, the company's webhook setting
    (the arrival's deliveries are written in the same transaction), the desk's mark (nobody here has an address to
    tell: tenant_apps/notifications/services.py's arrival_unannounced_mark, from what was just queued), release."""
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    with django_assert_max_num_queries(16):
        done = kiosk_tower.post("/kiosk/walk-in/details/", DETAILS)
    assert done.status_code == 302 and done["Location"].endswith("/kiosk/done/")
    with tenant_context(globex):
        visit = Visit.objects.get(visitor__last_name="Walker")
        assert visit.state == Visit.State.ON_SITE
        assert list(VisitEvent.objects.filter(visit=visit).values_list("kind", flat=True)) == [
            "registered",
            "checked_in",
        ]


def test_confirming_an_invitation_takes_fourteen_queries(kiosk_tower, acme, django_assert_max_num_queries):
    """Host, device, the state's nonce (a pending invitation is honoured only while it is the kiosk's:
    tests/kiosk/test_replayed_state.py), company, documents, role scope, savepoint, the visitor's name and address
    and the building's block list (tenant_apps/kiosk/block_list.py), the visit under lock with its host (the
    arrival's deliveries read nothing again), its update, its event, the company's webhook setting (the arrival's
    deliveries are written in the same transaction), release."""
    visit = invite(acme, first="Ivy", last="Invitee")
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/invitation/", {"code": visit.code})
    with django_assert_max_num_queries(14):
        done = kiosk_tower.post("/kiosk/invitation/confirm/", {"accept_notice": "on"})
    assert done.status_code == 302 and done["Location"].endswith("/kiosk/done/")
    assert visit_in(acme, visit.pk).state == Visit.State.ON_SITE


def test_confirming_an_invitation_whose_host_wants_an_email_adds_only_the_delivery(
    kiosk_tower, acme, django_assert_max_num_queries
):
    """As the load benchmark's invitations: the host's e-mail delivery is one INSERT in the check-in's transaction
    (handed to the broker after the commit); the host came with the visit's locked read."""
    visit = invite(acme, first="Ivy", last="Invitee")
    with tenant_context(acme):
        host = Host.objects.create(name="Hank Host", email="hank@acme.example", notify_by=Host.Notify.EMAIL)
        Visit.objects.filter(pk=visit.pk).update(host=host)
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/invitation/", {"code": visit.code})
    with django_assert_max_num_queries(15) as captured:
        done = kiosk_tower.post("/kiosk/invitation/confirm/", {"accept_notice": "on"})
    assert done.status_code == 302 and done["Location"].endswith("/kiosk/done/")
    # The visit under lock, and its visitor's name and address read before for the block list.
    assert sum('FROM "visits_visit"' in query["sql"] for query in captured.captured_queries) == 2
    with tenant_context(acme):
        assert Delivery.objects.filter(visit_id=visit.pk, kind=Delivery.Kind.HOST_EMAIL).count() == 1


def test_an_invitation_moved_to_another_day_between_code_and_confirmation_is_not_checked_in(kiosk_tower, acme):
    """The day is checked again on the row read under lock, not only when the code was typed."""
    visit = invite(acme, first="Ivy", last="Invitee")
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/invitation/", {"code": visit.code})
    with tenant_context(acme):
        tomorrow = timezone.now() + dt.timedelta(days=1)
        Visit.objects.filter(pk=visit.pk).update(expected_start=tomorrow, expected_end=tomorrow)
    refused = kiosk_tower.post("/kiosk/invitation/confirm/", {"accept_notice": "on"})
    assert refused.status_code == 200
    assert visit_in(acme, visit.pk).state == Visit.State.EXPECTED


def test_with_the_web_process_memories_warm_a_walk_in_takes_nine_queries(remembering, kiosk_tower, globex,
                                                                          django_assert_num_queries):  # fmt: skip
    """As in production, where hosts, the device, the company, the documents, the reachable schemas and the building's
    block list are remembered (tests/kiosk/test_remembered_lookups.py, tests/desk/test_block_list.py), for the second
    visitor of a device: the memories' generations (read by every request, so that a change made by another process
    is honoured at once), the walk-in count, savepoint, objection lifted, visitor, visit, events, the desk's mark
    (nobody told), release. No read of the device, the company, the documents or the block list; the device's
    last-seen time, written once a minute, is remembered with it (no UPDATE here)."""
    for number in (1, 2):
        choose_language(kiosk_tower)
        kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
        kiosk_tower.get("/kiosk/walk-in/details/")  # the screen the visitor reads first: the documents
        details = {**DETAILS, "email": f"wim{number}@example.org", "last_name": f"Walker{number}"}
        with django_assert_num_queries(9 if number == 2 else 10) as captured:  # the first reads the block list
            done = kiosk_tower.post("/kiosk/walk-in/details/", details)
        assert done.status_code == 302 and done["Location"].endswith("/kiosk/done/")
    assert not _reads(captured, "kiosk_kiosk", "tenancy_tenant", "tenancy_buildingdocument", "kiosk_blocklistentry")


def test_with_the_web_process_memories_warm_an_invitation_takes_seven_queries(remembering, kiosk_tower, acme,
                                                                               django_assert_num_queries):  # fmt: skip
    """For the second invited visitor of a device: the generations, the state's nonce (a pending invitation is
    honoured only while it is the kiosk's), savepoint, the visit under lock with its visitor and host (the block list,
    remembered, is matched against that visitor: tenant_apps/kiosk/services.py), its update, its event, release."""
    for last in ("Earlier", "Invitee"):
        visit = invite(acme, first="Ivy", last=last)
        choose_language(kiosk_tower)
        kiosk_tower.post("/kiosk/invitation/", {"code": visit.code})
        with django_assert_num_queries(7 if last == "Invitee" else 10) as captured:  # the first reads the documents
            done = kiosk_tower.post("/kiosk/invitation/confirm/", {"accept_notice": "on"})
        assert done.status_code == 302 and done["Location"].endswith("/kiosk/done/")
    assert _reads(captured, "visits_visit") == 1
    assert not _reads(captured, "tenancy_tenant", "tenancy_buildingdocument", "kiosk_blocklistentry")
    assert visit_in(acme, visit.pk).state == Visit.State.ON_SITE


def _reads(captured, *tables: str) -> int:
    return sum(f'FROM "{table}"' in query["sql"] for query in captured.captured_queries for table in tables)


def test_with_the_memories_warm_the_steps_before_the_storing_posts_take_few_queries(
    remembering, kiosk_tower, globex, acme, django_assert_num_queries
):
    """What the load benchmark's kiosks post before each storing POST (tests/bench/load.py), for the second visitor
    of a device (the cookie then holds the first one's result). The language, which starts a visitor: the
    generations and the new nonce, not the earlier nonce read first (the state restarts before anything reads it).
    The company: the generations only. An invitation's code: the generations, the device's and the code's counts
    in one statement, the desk view, the visit, the device's count taken back."""
    walk_in = {**DETAILS, "accept_rules": "on"}
    first, visit = (invite(acme, first="Ivy", last=last) for last in ("Earlier", "Invitee"))
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/invitation/", {"code": first.code})  # Acme, the company, is remembered from here
    choose_language(kiosk_tower)
    kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    assert kiosk_tower.post("/kiosk/walk-in/details/", walk_in)["Location"].endswith("/kiosk/done/")
    with django_assert_num_queries(2):
        assert kiosk_tower.post("/kiosk/language/", {"language": "en"})["Location"].endswith("/kiosk/menu/")
    with django_assert_num_queries(1):
        kiosk_tower.post("/kiosk/walk-in/", {"company": globex.pk})
    choose_language(kiosk_tower)
    with django_assert_num_queries(5):
        found = kiosk_tower.post("/kiosk/invitation/", {"code": visit.code})
    assert found["Location"].endswith("/kiosk/invitation/confirm/")
