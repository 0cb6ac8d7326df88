"""One person per company (issue #22): every channel (portal, bulk import, API, desk, kiosk) reuses the person with
the same address, normalised (trimmed, lower-cased), and never overwrites what is stored; objection and
restriction hold on every channel; an admin merges duplicates; erasure counts what it erased."""

import datetime as dt
import importlib
import json
import threading

import psycopg
import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared_apps.audit.models import AuditEntry
from shared_apps.database.connection import tenant_connection
from shared_apps.tenancy.models import Tenant
from tenant_apps.notifications.models import Delivery
from tenant_apps.privacy.models import SubjectRequest
from tenant_apps.visits.models import Visit, Visitor
from tenant_apps.visits.objections import objection_record
from tenant_apps.visits.person_links import person_page_path
from tenant_apps.visits.selectors import visitors_with_email
from tenant_apps.visits.services import VisitorDetails, visitor_find_or_create
from tests.conftest import HostClient
from tests.kiosk.conftest import kiosk_tower, rate_counters_clear, tower_device, walk_in

__all__ = ["kiosk_tower", "tower_device"]

ADDRESS = "anne.peeters@example.org"


def _at(days: int, hour: int) -> str:
    day = timezone.localdate() + dt.timedelta(days=days)
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def by_portal(admin, email: str, *, first: str = "Anne", last: str = "Peeters", days: int = 1, **extra: str):
    data = {"first_name": first, "last_name": last, "email": email, "phone": "", "company_name": "",
            "language": "nl", "host": "", "expected_start": _at(days, 10), "expected_end": _at(days, 11),
            "purpose": "", **extra}  # fmt: skip
    return admin.post("/visits/new/", data)


def by_import(admin, email: str, *, first: str = "Anne", last: str = "Peeters", days: int = 1):
    """Check the list, then import it (the preview's confirmation); the check's page when it finds a problem."""
    text = f"first_name,last_name,email,start,end\n{first},{last},{email},{_at(days, 10)},{_at(days, 11)}\n"
    checked = admin.post("/visits/import/", {"text": text})
    if checked.status_code != 200 or not checked.context["preview"]:
        return checked
    confirm = {"confirm": "1", "csv": checked.context["csv_payload"], "token": checked.context["token"]}
    return admin.post("/visits/import/", confirm)


def by_api(admin, email: str, *, first: str = "Anne", last: str = "Peeters", days: int = 1):
    made = admin.post("/api/v1/visitors/", {"first_name": first, "last_name": last, "email": email},
                      content_type="application/json")  # fmt: skip
    if made.status_code not in (200, 201):
        return made
    start = timezone.make_aware(dt.datetime.fromisoformat(_at(days, 10)))
    body = {"visitor": made.json()["id"], "expected_start": start.isoformat(),
            "expected_end": (start + dt.timedelta(hours=1)).isoformat()}  # fmt: skip
    return admin.post("/api/v1/visits/", body, content_type="application/json")


def by_desk(desk, company: Tenant, email: str, *, first: str = "Anne", last: str = "Peeters"):
    later = (timezone.localtime() + dt.timedelta(hours=1)).strftime("%H:%M")
    if later < timezone.localtime().strftime("%H:%M"):
        later = "23:59"
    data = {"company": company.slug, "host": "", "first_name": first, "last_name": last, "visitor_company": "",
            "email": email, "phone": "", "language": "en", "expected_end": later, "notice_accepted": "on"}  # fmt: skip
    return desk.post("/desk/walk-in/", data)


def by_kiosk(kiosk, company: Tenant, email: str, *, first: str = "Anne", last: str = "Peeters"):
    return walk_in(kiosk, company, first_name=first, last_name=last, email=email)[-1]


def _people(company: Tenant, email: str = ADDRESS) -> list[Visitor]:
    with tenant_context(company):
        return list(visitors_with_email(email))


def _visits(company: Tenant, email: str = ADDRESS) -> int:
    with tenant_context(company):
        return Visit.objects.filter(visitor__in=visitors_with_email(email)).count()


def _forget(company: Tenant, email: str = ADDRESS) -> None:
    with tenant_context(company):
        Visit.objects.filter(visitor__in=visitors_with_email(email)).delete()
        visitors_with_email(email).delete()


CHANNELS = ["portal", "import", "api", "desk", "kiosk"]
SPELLINGS = st.sampled_from([ADDRESS, ADDRESS.upper(), f"  {ADDRESS} ", "Anne.Peeters@EXAMPLE.org"])


@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(steps=st.lists(st.tuples(st.sampled_from(CHANNELS), SPELLINGS), min_size=1, max_size=5))
def test_any_sequence_of_creates_through_every_channel_makes_one_person(
    steps, acme_admin, tower_desk, kiosk_tower, acme, globex
):
    rate_counters_clear()
    days = iter(range(1, 100))
    for channel, spelling in steps:
        email = spelling.strip() if channel in ("api",) else spelling  # JSON e-mail fields refuse blanks around
        if channel == "portal":
            answer = by_portal(acme_admin, email, days=next(days))
        elif channel == "import":
            answer = by_import(acme_admin, email, days=next(days))
        elif channel == "api":
            answer = by_api(acme_admin, email, days=next(days))
        elif channel == "desk":
            answer = by_desk(tower_desk, acme, email)
        else:
            answer = by_kiosk(kiosk_tower, acme, email)
        assert answer.status_code in (200, 201, 302), (channel, answer.status_code, answer.content[:300])
    people = _people(acme)
    assert len(people) == 1 and people[0].email == ADDRESS
    assert (people[0].first_name, people[0].last_name) == ("Anne", "Peeters")
    assert _visits(acme) == len(steps)
    assert _people(globex) == []
    _forget(acme)


def test_a_channel_completes_the_person_but_never_overwrites_them(acme_admin, kiosk_tower, acme, tower_desk):
    assert by_portal(acme_admin, ADDRESS, first="Anne", last="Peeters").status_code == 302
    # A kiosk walk-in with other names and a phone, the desk with other names: the names a host typed stay.
    walk_in(kiosk_tower, acme, first_name="Annie", last_name="P.", email=ADDRESS.upper(), phone="0470 12 34 56")
    assert by_desk(tower_desk, acme, ADDRESS, first="Ann", last="Peters").status_code == 302
    by_portal(acme_admin, ADDRESS, first="Someone", last="Else")
    (person,) = _people(acme)
    assert (person.first_name, person.last_name) == ("Anne", "Peeters")
    assert person.phone in ("", "+32470123456")  # the kiosk asks for a phone only where the building wants one
    assert _visits(acme) == 4


def test_the_api_answers_the_existing_person_with_200(acme_admin, acme):
    first = acme_admin.post("/api/v1/visitors/", {"first_name": "Anne", "last_name": "Peeters", "email": ADDRESS},
                            content_type="application/json")  # fmt: skip
    again = acme_admin.post("/api/v1/visitors/", {"first_name": "X", "last_name": "Y", "email": ADDRESS.upper()},
                            content_type="application/json")  # fmt: skip
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["first_name"] == "Anne"


def test_a_correction_cannot_take_another_persons_address(acme_admin, acme):
    with tenant_context(acme):
        anne = Visitor.objects.create(first_name="Anne", last_name="Peeters", email=ADDRESS)
        other = Visitor.objects.create(first_name="Bart", last_name="Claes", email="bart@example.org")
    answer = acme_admin.patch(f"/api/v1/visitors/{other.pk}/", {"email": ADDRESS.upper()},
                              content_type="application/json")  # fmt: skip
    assert answer.status_code == 400 and "email" in answer.json()
    data = {"first_name": "Bart", "last_name": "Claes", "email": f" {ADDRESS} ", "phone": "", "company_name": "",
            "language": "en"}  # fmt: skip
    page = acme_admin.post(f"/privacy/people/{other.pk}/", data)
    assert page.status_code == 200 and "already has this e-mail address" in page.content.decode()
    assert [p.pk for p in _people(acme)] == [anne.pk]


def test_the_database_holds_one_person_per_address_whatever_writes(acme):
    from django.db import IntegrityError, transaction

    with tenant_context(acme):
        Visitor.objects.create(first_name="Anne", last_name="Peeters", email=ADDRESS)
        with pytest.raises(IntegrityError), transaction.atomic():
            Visitor.objects.create(first_name="Anne", last_name="Peeters", email=f" {ADDRESS.upper()}")
        Visitor.objects.create(first_name="No", last_name="Mail", email="")
        Visitor.objects.create(first_name="No", last_name="Mail", email="")  # without an address: no rule


def _waiting_on_a_lock(pid: int) -> bool:
    with psycopg.connect(_dsn(), autocommit=True) as watcher:
        row = watcher.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return bool(row and row[0] == "Lock")


def _dsn() -> str:
    config = tenant_connection().settings_dict
    return f"host={config['HOST'] or '127.0.0.1'} port={config['PORT'] or 5432} dbname={config['NAME']} " + (
        f"user={config['USER']}" + (f" password={config['PASSWORD']}" if config["PASSWORD"] else "")
    )


@pytest.fixture
def other_channel():
    """A second connection, as another web process's; set up before the test's database fixtures, so it is torn
    down after their rollback: what it committed is deleted once the test's locks are gone."""
    connection = psycopg.connect(_dsn())
    yield connection
    connection.rollback()
    connection.execute("DELETE FROM acme.visits_visitor WHERE email = %s", [ADDRESS])
    connection.commit()
    connection.close()


def test_two_creates_at_once_make_one_person(other_channel, acme):
    """Another channel inserts the same address in a transaction of its own, not yet committed: this create's
    INSERT waits on the unique index, fails once the other commits, and answers the other's person."""
    from django.db import transaction

    other_channel.execute("SET search_path TO acme")
    cursor = other_channel.execute(
        "INSERT INTO visits_visitor (first_name, last_name, email, phone, company_name, language) "
        "VALUES ('Anne', 'Peeters', %s, '', '', 'en') RETURNING id",
        [ADDRESS],
    )
    other_id = cursor.fetchone()[0]
    with tenant_context(acme):
        pid = tenant_connection().cursor().connection.info.backend_pid

        def commit_once_waited_on() -> None:
            while not _waiting_on_a_lock(pid):
                threading.Event().wait(0.05)
            other_channel.commit()

        committer = threading.Thread(target=commit_once_waited_on)
        committer.start()
        with transaction.atomic():
            details = VisitorDetails(first_name="Anne", last_name="P", email=ADDRESS.upper(), phone="+32470000009",
                                     company_name="", language="nl")  # fmt: skip
            found = visitor_find_or_create(details=details, actor="kiosk:tower:1")
        committer.join()
    assert (found.created, found.visitor.pk) == (False, other_id)
    assert len(_people(acme)) == 1
    # What the racing channel typed completed the other's person: that merge is audited, by fields only.
    merged = AuditEntry.objects.get(action="subject.details_merged", tenant_schema="acme",
                                    object_ids={"visitor": [other_id]})  # fmt: skip
    assert merged.details == {"fields_filled": ["phone"]} and merged.actor == "kiosk:tower:1"
    assert "+32470000009" not in str(merged.details)


def test_a_channel_completing_a_known_person_is_audited_and_one_adding_nothing_is_not(acme, acme_admin, kiosk_tower):
    assert by_portal(acme_admin, ADDRESS).status_code == 302
    (person,) = _people(acme)
    audited = AuditEntry.objects.filter(action="subject.details_merged", object_ids={"visitor": [person.pk]})
    assert by_kiosk(kiosk_tower, acme, ADDRESS).redirect_chain[-1][0] == "/kiosk/done/"
    assert not audited.exists()  # the kiosk typed nothing the person lacked
    with tenant_context(acme):
        Visitor.objects.filter(pk=person.pk).update(company_name="")
        details = VisitorDetails(first_name="Anne", last_name="Peeters", email=ADDRESS, phone="",
                                 company_name="Peeters BV", language="en")  # fmt: skip
        visitor_find_or_create(details=details, actor="admin@acme.example")
    (entry,) = audited
    assert entry.details == {"fields_filled": ["company_name"]} and entry.actor == "admin@acme.example"


def test_the_migration_merges_the_obvious_duplicates_keeping_every_visit(acme):
    from django.db import connection

    migration = importlib.import_module("tenant_apps.visits.migrations.0010_one_person_per_email")
    with tenant_context(acme):
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX visitor_one_per_email")  # as before the migration (rolled back)
        keep = Visitor.objects.create(first_name="Anne", last_name="Peeters", email=ADDRESS)
        twin = Visitor.objects.create(first_name="Annie", last_name="P", email=f" {ADDRESS.upper()}", phone="+3247")
        start = timezone.now() + dt.timedelta(days=1)
        for visitor in (keep, twin, twin):
            Visit.objects.create(visitor=visitor, expected_start=start, expected_end=start, channel="invitation")
        with connection.cursor() as cursor:
            cursor.execute(migration.MERGE_SAME_EMAIL)
        (person,) = _people(acme)
        assert (person.pk, person.first_name, person.phone) == (keep.pk, "Anne", "+3247")
        assert Visit.objects.filter(visitor=person).count() == 3


# --- objection and restriction on every channel ------------------------------------------------------------------


def _refused_everywhere(acme_admin, tower_desk, kiosk_tower, acme, visitor_id: int | None, mailoutbox) -> None:
    messages = Delivery.objects.exclude(kind=Delivery.Kind.CONSENT_CONFIRMATION)  # the kiosk's link may leave
    with tenant_context(acme):
        deliveries = messages.count()
        visits = Visit.objects.count()
    portal = by_portal(acme_admin, ADDRESS)
    assert portal.status_code == 200 and "errorlist" in portal.content.decode()
    imported = by_import(acme_admin, ADDRESS)
    assert imported.status_code == 200 and not imported.context["preview"]
    made = acme_admin.post("/api/v1/visitors/", {"first_name": "A", "last_name": "P", "email": ADDRESS},
                           content_type="application/json")  # fmt: skip
    assert made.status_code == 400 and "email" in made.json()
    if visitor_id is not None:
        start = timezone.now() + dt.timedelta(days=2)
        body = {"visitor": visitor_id, "expected_start": start.isoformat(),
                "expected_end": (start + dt.timedelta(hours=1)).isoformat()}  # fmt: skip
        api = acme_admin.post("/api/v1/visits/", body, content_type="application/json")
        assert api.status_code == 400 and "visitor" in api.json()
    assert by_desk(tower_desk, acme, ADDRESS).status_code == 400
    kiosk = by_kiosk(kiosk_tower, acme, ADDRESS)
    assert kiosk.redirect_chain == [] and "errorlist" in kiosk.content.decode()
    with tenant_context(acme):
        assert Visit.objects.count() == visits and messages.count() == deliveries


def test_an_objected_person_is_refused_on_every_channel_and_nothing_is_sent(
    acme_admin, tower_desk, kiosk_tower, acme, mailoutbox, django_capture_on_commit_callbacks, eager
):
    with tenant_context(acme):
        objection_record(ADDRESS)
    with django_capture_on_commit_callbacks(execute=True):
        _refused_everywhere(acme_admin, tower_desk, kiosk_tower, acme, None, mailoutbox)
    assert _people(acme) == []
    # Only the kiosk's confirmation link leaves, to the address itself; no invitation, no notification.
    assert [mail.subject for mail in mailoutbox] == ["Acme Logistics: confirm your consent"]


@pytest.mark.parametrize("kind", ["objection", "withdrawal"])
def test_an_objection_or_withdrawal_on_the_visitors_own_page_holds_on_every_channel(
    acme_admin, tower_desk, kiosk_tower, acme, mailoutbox, django_capture_on_commit_callbacks, eager, kind
):
    """Issue #22's "done when", in the test client: the visitor objects (or withdraws consent) on their own page; it
    is done at once, the admins are told through the outbox and it is audited; afterwards every channel refuses the
    person and queues nothing."""
    with tenant_context(acme):
        anne = Visitor.objects.create(first_name="Anne", last_name="Peeters", email=ADDRESS, language="nl")
        path = person_page_path(anne)
    with django_capture_on_commit_callbacks(execute=True):
        done = HostClient("acme.localhost").post(path + "object/", {"kind": kind, "confirm": "on"})
    assert done.status_code == 200
    entry = AuditEntry.objects.get(action="subject.request", tenant_schema="acme", actor="person-link")
    assert entry.details == {"kind": kind, "done_at_once": True} and entry.object_ids["visitor"] == [anne.pk]
    with tenant_context(acme):
        item = SubjectRequest.objects.get()
        assert (item.kind, item.status) == (kind, "done")
        [notice] = Delivery.objects.filter(kind=Delivery.Kind.SUBJECT_NOTICE)
        assert notice.status == "sent"
    assert [m.to for m in mailoutbox] == [["admin@acme.example"]]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _refused_everywhere(acme_admin, tower_desk, kiosk_tower, acme, None, mailoutbox)
    assert _people(acme) == []
    assert [mail.subject for mail in mailoutbox] == ["Acme Logistics: confirm your consent"]  # the kiosk's link only


def test_a_restricted_person_is_kept_but_not_used_until_an_admin_lifts_it(
    acme_admin, acme_member, globex_admin, tower_desk, kiosk_tower, acme, mailoutbox
):
    assert by_portal(acme_admin, ADDRESS).status_code == 302
    (person,) = _people(acme)
    with tenant_context(acme):
        planned = Visit.objects.get(visitor=person)
    for intruder in (acme_member, globex_admin):
        assert intruder.post(f"/privacy/people/{person.pk}/restriction/").status_code == 404
    assert acme_admin.get(f"/privacy/people/{person.pk}/restriction/").status_code == 405
    assert acme_admin.post(f"/privacy/people/{person.pk}/restriction/").status_code == 302
    assert "Restricted since" in acme_admin.get(f"/privacy/people/{person.pk}/").content.decode()
    _refused_everywhere(acme_admin, tower_desk, kiosk_tower, acme, person.pk, mailoutbox)
    # An existing visit moved or cancelled tells no one.
    with tenant_context(acme):
        sent_before = Delivery.objects.filter(visit=planned).count()
    reschedule = {"expected_start": _at(3, 10), "expected_end": _at(3, 11)}
    assert acme_admin.post(f"/visits/{planned.pk}/reschedule/", reschedule).status_code == 302
    assert acme_admin.post(f"/visits/{planned.pk}/cancel/", {"confirm": "yes"}).status_code == 302
    with tenant_context(acme):
        assert Delivery.objects.filter(visit=planned).count() == sent_before
    assert _people(acme) == [person]  # kept
    assert acme_admin.post(f"/privacy/people/{person.pk}/restriction/", {"lift": "1"}).status_code == 302
    assert by_portal(acme_admin, ADDRESS, days=4).status_code == 302
    actions = list(AuditEntry.objects.filter(tenant_schema="acme", object_ids__visitor=[person.pk])
                   .filter(action__startswith="subject.restri").values_list("action", flat=True))  # fmt: skip
    assert sorted(actions) == ["subject.restrict", "subject.restriction_lifted"]


def test_a_delivery_queued_before_the_restriction_never_leaves(acme):
    from tenant_apps.notifications.sending import Outcome, delivery_claim

    with tenant_context(acme):
        person = Visitor.objects.create(first_name="Anne", last_name="Peeters", email=ADDRESS)
        start = timezone.now() + dt.timedelta(days=1)
        visit = Visit.objects.create(visitor=person, expected_start=start, expected_end=start, channel="invitation")
        delivery = Delivery.objects.create(visit=visit, kind=Delivery.Kind.INVITATION)
        Visitor.objects.filter(pk=person.pk).update(restricted_at=timezone.now())
        assert delivery_claim(delivery.pk) == (Outcome.FAILED, None)
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.FAILED


# --- merge ----------------------------------------------------------------------------------------------------------


def test_an_admin_merges_duplicates_keeping_every_visit_and_it_is_audited(
    acme_admin, acme_member, globex_admin, kiosk_tower, acme, tower
):
    tower.kiosk_requires_email = False
    tower.save(update_fields=["kiosk_requires_email"])
    for _ in range(2):  # walk-ins without an address: a new person each time
        walk_in(kiosk_tower, acme, first_name="Karel", last_name="Maes", email="")
    assert by_portal(acme_admin, "karel@example.org", first="Karel", last="Maes").status_code == 302
    with tenant_context(acme):
        keep = Visitor.objects.get(email="karel@example.org")
        twins = list(Visitor.objects.filter(first_name="Karel", email="").order_by("pk"))
    assert len(twins) == 2
    page = acme_admin.get(f"/privacy/people/{keep.pk}/merge/").content.decode()
    assert all(f'name="duplicate" value="{twin.pk}"' in page for twin in twins)
    for intruder in (acme_member, globex_admin):
        assert intruder.post(f"/privacy/people/{keep.pk}/merge/", {"duplicate": twins[0].pk}).status_code == 404
    for twin in twins:
        assert acme_admin.post(f"/privacy/people/{keep.pk}/merge/", {"duplicate": twin.pk}).status_code == 302
    with tenant_context(acme):
        assert not Visitor.objects.filter(pk__in=[t.pk for t in twins]).exists()
        assert Visit.objects.filter(visitor=keep).count() == 3
    entries = AuditEntry.objects.filter(tenant_schema="acme", action="subject.merge").order_by("pk")
    assert [e.object_ids["merged_visitor"] for e in entries] == [[twin.pk] for twin in twins]
    assert all(e.details["visits_moved"] == 1 for e in entries)
    assert "Karel" not in json.dumps([e.details for e in entries])


def test_two_people_with_different_addresses_are_not_merged(acme_admin, acme):
    with tenant_context(acme):
        anne = Visitor.objects.create(first_name="Anne", last_name="Peeters", email=ADDRESS)
        other = Visitor.objects.create(first_name="Anne", last_name="Peeters", email="other@example.org")
    answer = acme_admin.post(f"/privacy/people/{anne.pk}/merge/", {"duplicate": other.pk}, follow=True)
    assert "different e-mail addresses" in answer.content.decode()
    with tenant_context(acme):
        assert Visitor.objects.filter(pk__in=[anne.pk, other.pk]).count() == 2


# --- erasure counts and visits in the past ------------------------------------------------------------------------


def test_erasing_a_person_with_one_visit_says_one_visit(acme_admin, acme):
    assert by_portal(acme_admin, ADDRESS).status_code == 302  # with its invitation's delivery
    (person,) = _people(acme)
    answer = acme_admin.post(f"/privacy/people/{person.pk}/erase/", {"objection": "0"}, follow=True)
    assert "The person was erased, with 1 visit." in answer.content.decode()
    entry = AuditEntry.objects.filter(tenant_schema="acme", action="subject.erase").latest("pk")
    assert entry.details["visits"] == 1 and entry.details["visit_events"] == 1


def test_a_visit_in_the_past_is_refused_on_the_portal_the_import_and_the_api(acme_admin, acme):
    acme_admin.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    portal = by_portal(acme_admin, ADDRESS, days=-1)
    assert portal.status_code == 200 and "un jour déjà passé" in portal.content.decode()
    imported = by_import(acme_admin, ADDRESS, days=-1)
    assert imported.status_code == 200 and not imported.context["preview"]
    assert "un jour déjà passé" in imported.content.decode()
    with tenant_context(acme):
        anne = Visitor.objects.create(first_name="Anne", last_name="Peeters", email=ADDRESS)
    start = timezone.now() - dt.timedelta(days=1)
    body = {"visitor": anne.pk, "expected_start": start.isoformat(),
            "expected_end": (start + dt.timedelta(hours=1)).isoformat()}  # fmt: skip
    api = acme_admin.post("/api/v1/visits/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="nl")
    assert api.status_code == 400
    assert set(api.json()) == {"expected_start", "expected_end"}
    assert _visits(acme) == 0
