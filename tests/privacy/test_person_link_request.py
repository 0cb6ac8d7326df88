"""`/privacy/me/`: the short, non-personal link of the kiosk's notice and the badge. Whoever types an address gets
the same answer, and the request does the same work for both (one task queued, the lookup done there); a known
person is e-mailed their own signed link, through the outbox, in their language; asking is limited per client and
per address with the shared counters; every ask is audited without the address.

Tasks run in-process (`eager`) unless a test sends them to a broker of its own."""

import base64
import json
import re

import pytest
import redis
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from checkin.celery import app
from shared_apps.audit.models import AuditEntry
from tenant_apps.notifications.models import Delivery
from tenant_apps.notifications.sending import Outcome, delivery_attempt
from tenant_apps.privacy.subjects import person_object
from tenant_apps.privacy.tasks import person_link_send_task
from tenant_apps.visits.models import Visitor
from tests.conftest import HostClient
from tests.kiosk.conftest import rate_counters_clear
from tests.privacy.test_person_page import ACME, MAIL, _zoe
from tests.reliability.conftest import _use_broker, broker, own_redis  # noqa: F401 -- the fixtures, shared
from tests.reliability.services import spare_port

pytestmark = pytest.mark.usefixtures("eager")
ME = "/privacy/me/"


def _ask(client, address: str, lang: str = "fr"):
    return client.post(f"{ME}?lang={lang}", {"email": address})


def _links(company) -> list[Delivery]:
    with tenant_context(company):
        return list(Delivery.objects.filter(kind=Delivery.Kind.PERSON_LINK))


def test_the_page_speaks_the_language_asked_and_names_no_one(acme):
    page = HostClient(ACME).get(f"{ME}?lang=nl")
    body = page.content.decode()
    assert page.status_code == 200 and '<html lang="nl">' in body and "Stuur mij mijn link" in body
    assert page["Cache-Control"] == "no-store" and page["X-Robots-Tag"] == "noindex, nofollow"


def test_a_known_address_and_an_unknown_one_get_the_same_answer(acme):
    rate_counters_clear()
    zoe, _ = _zoe(acme, language="nl")
    known = _ask(HostClient(ACME), MAIL.upper())
    unknown = _ask(HostClient(ACME), "nobody.here@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == f"{ME}?lang=fr&sent=1"
    sent_page = HostClient(ACME).get(known["Location"]).content.decode()
    assert "Consultez vos e-mails" in sent_page and MAIL not in sent_page
    [delivery] = _links(acme)
    assert (delivery.visitor_id, delivery.visit_id, delivery.status) == (zoe.pk, None, "pending")
    entries = AuditEntry.objects.filter(action="subject.link_requested", tenant_schema="acme").order_by("pk")
    assert [e.details for e in entries] == [{"known": True, "sent": True}, {"known": False, "sent": False}]
    assert entries[0].object_ids == {"visitor": [zoe.pk]} and entries[1].object_ids == {}
    assert all(MAIL not in str(e.details) + str(e.object_ids) for e in entries)


def test_the_link_goes_through_the_outbox_in_the_persons_language_and_opens_their_page(acme):
    rate_counters_clear()
    _zoe(acme, language="nl")
    _ask(HostClient(ACME), MAIL)
    [delivery] = _links(acme)
    mail.outbox.clear()
    with tenant_context(acme):
        assert delivery_attempt(delivery.pk) is Outcome.SENT
    [message] = mail.outbox
    assert message.to == [MAIL] and "privacylink" in message.subject
    link = re.search(r"http://acme\.localhost:8000(/p/[^/\s]+/)", str(message.body))
    assert link is not None
    page = HostClient(ACME).get(link.group(1))
    assert page.status_code == 200 and "Zoë" in page.content.decode()


def test_asking_is_limited_per_address_and_per_client_with_the_same_answer(acme):
    rate_counters_clear()
    _zoe(acme)
    answers = [_ask(HostClient(ACME, REMOTE_ADDR=f"192.0.2.{n}"), MAIL).status_code for n in range(1, 6)]
    assert answers == [302] * 5  # the address's limit changes no answer ...
    assert len(_links(acme)) == 3  # ... but nothing more is sent past it
    assert AuditEntry.objects.filter(action="subject.link_requested", details__throttled="address").count() == 2
    client = HostClient(ACME, REMOTE_ADDR="198.51.100.7")
    statuses = [_ask(client, f"someone{n}@example.org").status_code for n in range(11)]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429
    assert "Trop de tentatives" in _ask(client, "x@example.org").content.decode()


def test_an_objected_person_or_another_companys_visitor_gets_nothing(acme, globex):
    rate_counters_clear()
    zoe, _ = _zoe(acme)
    with tenant_context(globex):
        Visitor.objects.create(first_name="Gil", last_name="Globex", email="gil@example.org")
    with tenant_context(acme):
        person_object(visitor=Visitor.objects.get(pk=zoe.pk), actor="test")
    assert _ask(HostClient(ACME), MAIL).status_code == 302
    assert _ask(HostClient(ACME), "gil@example.org").status_code == 302
    assert _links(acme) == [] and _links(globex) == []


def test_a_bad_address_is_a_field_error_in_the_page_language(acme):
    response = _ask(HostClient(ACME), "not-an-address", lang="de")
    assert response.status_code == 400 and "errorlist" in response.content.decode()


def test_it_is_served_on_company_hosts_only(acme, client_for):
    for host in ("tower.localhost", "localhost"):
        assert client_for(host).get(ME).status_code == 404, host


def _shape(queries: list[dict[str, str]]) -> list[str]:
    """The statements run, their values left out (the counters' keys hold keyed hashes of the address)."""
    return [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries]


def _queued_tasks(server) -> list[tuple[str, list[str]]]:
    """The tasks waiting in the broker (kombu's Redis messages): their names and arguments, oldest first."""
    messages = [json.loads(raw) for raw in reversed(redis.Redis.from_url(server.url).lrange("celery", 0, -1))]
    return [(m["headers"]["task"], json.loads(base64.b64decode(m["body"]))[0]) for m in messages]


def test_a_known_and_an_unknown_address_do_the_same_work_in_the_request(acme, broker):  # noqa: F811
    """No time is measured: the request runs the same statements for both and queues one task each, the address
    sealed; the lookup, the link and the audit entry come only when the task runs (here, in-process)."""
    rate_counters_clear()
    zoe, _ = _zoe(acme)
    answers, work = [], []
    for address in (MAIL, "nobody.here@example.org"):
        with CaptureQueriesContext(connection) as queries:
            answers.append(_ask(HostClient(ACME, REMOTE_ADDR="192.0.2.9"), address))
        work.append(_shape(queries.captured_queries))
    known, unknown = answers
    assert (known.status_code, known["Location"], known.content) == (
        unknown.status_code, unknown["Location"], unknown.content
    )  # fmt: skip
    assert work[0] == work[1] and not any("visits_visitor" in statement for statement in work[0])
    assert _links(acme) == [] and not AuditEntry.objects.filter(action="subject.link_requested").exists()
    queued = _queued_tasks(broker)
    assert [name for name, _ in queued] == ["privacy.person_link_send"] * 2
    assert all(len(args) == 1 and MAIL not in args[0] and "nobody" not in args[0] for _, args in queued)
    with tenant_context(acme):
        for _name, args in queued:  # what a worker does with them
            person_link_send_task.apply(tuple(args))
    [delivery] = _links(acme)
    assert delivery.visitor_id == zoe.pk
    entries = AuditEntry.objects.filter(action="subject.link_requested", tenant_schema="acme").order_by("pk")
    assert [(e.details, e.ip) for e in entries] == [
        ({"known": True, "sent": True}, "192.0.2.9"), ({"known": False, "sent": False}, "192.0.2.9")
    ]  # fmt: skip


def test_without_a_broker_the_ask_is_answered_in_the_request_and_not_lost(acme):
    rate_counters_clear()
    zoe, _ = _zoe(acme)
    before = (app.conf.broker_url, app.conf.task_always_eager)
    _use_broker(f"redis://127.0.0.1:{spare_port()}/0", eager=False)  # nothing listens there
    try:
        assert _ask(HostClient(ACME), MAIL).status_code == 302
    finally:
        _use_broker(before[0], eager=before[1])
    [delivery] = _links(acme)
    assert delivery.visitor_id == zoe.pk
    assert AuditEntry.objects.get(action="subject.link_requested", tenant_schema="acme").details["sent"] is True
