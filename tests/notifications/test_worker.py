"""With REDIS_URL set (as in CI), the notification tasks go through Redis to a real Celery worker.

The rows must be committed for the worker to see them, so this test runs
outside the per-test transaction and removes what it made at the end.
"""

import email
import email.policy
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from checkin.celery import app
from shared_apps.database.connection import tenant_connection
from shared_apps.tenancy.models import Tenant
from tenant_apps.notifications.drain import QUEUED_KEY
from tenant_apps.notifications.models import Delivery
from tenant_apps.visits.models import Visit
from tenant_apps.visits.selectors import company_settings
from tenant_apps.visits.services import Actor, visit_check_in
from tests.notifications.conftest import register, use_webhook
from tests.notifications.receiver import Received, webhook_receiver

ROOT = Path(__file__).resolve().parents[2]
DESK = Actor(label="desk:tower:desk@tower.example", channel=Visit.Channel.DESK)


@pytest.fixture(scope="module")
def worker_outbox(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Path]:
    """A Celery worker on the test database and this run's Redis; its e-mails land as files in the folder yielded."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is unset: no broker to run a worker against (CI sets it)")
    outbox = tmp_path_factory.mktemp("outbox")
    app.control.purge()  # nothing left over from an earlier run (nor the database's set-up)
    redis.Redis.from_url(settings.REDIS_URL).delete(QUEUED_KEY)  # so the next commit queues a drain again
    db = connection.settings_dict
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://{db['USER']}@{host}{port}/{db['NAME']}",
        "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}",
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "CHECKIN_TEST_OUTBOX": str(outbox),
        "CHECKIN_WEBHOOK_ALLOW_PRIVATE": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "checkin", "worker", "--pool", "solo", "--concurrency", "1",
         "-l", "WARNING", "-n", f"notify-test-{os.getpid()}@%h"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        yield outbox
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker did not finish in time"
        time.sleep(0.2)


def _sent(visit: Visit, *kinds: str) -> bool:
    statuses = dict(Delivery.objects.filter(visit=visit).values_list("kind", "status"))
    assert "failed" not in statuses.values(), statuses
    return all(statuses.get(kind) == "sent" for kind in kinds)


def _emails(outbox: Path) -> list[EmailMessage]:
    separator = "\n" + "-" * 79 + "\n"
    raw = "".join(path.read_text() for path in sorted(outbox.iterdir()))
    return [
        email.message_from_string(part.strip("\n") + "\n", policy=email.policy.default)
        for part in raw.split(separator)
        if part.strip()
    ]


@dataclass(frozen=True)
class WorkerRun:
    code: str
    emails: dict[str, EmailMessage]
    calls: list[Received]


@pytest.fixture(scope="module")
def worker_run(worker_outbox: Path, django_db_blocker) -> WorkerRun:
    """Register a visit and check it in, committed, and wait until the worker has sent every message."""
    assert connection.settings_dict["NAME"].startswith("test_"), "only ever commit to the test database"
    with webhook_receiver() as receiver, django_db_blocker.unblock():
        with tenant_context(Tenant.objects.get(slug="acme")):
            previous = company_settings()
            use_webhook(receiver.url, secret="whsec_worker-secret")
            visit = None
            keys: set[str] = set()
            try:
                visit = register(language="de", email="worker-test@example.org")  # commits: on_commit sends the task
                _wait_for(lambda: _sent(visit, "invitation"))
                visit_check_in(visit=visit, actor=DESK)
                _wait_for(lambda: _sent(visit, "host_email", "host_webhook"))
                keys = {
                    str(key) for key in Delivery.objects.filter(visit=visit).values_list("idempotency_key", flat=True)
                }
            finally:
                if visit is not None:
                    Visit.objects.filter(pk=visit.pk).delete()
                    visit.visitor.delete()
                use_webhook(previous.webhook_url, previous.webhook_secret)
        tenant_connection().set_schema_to_public()
        return WorkerRun(
            code=visit.code,
            # This visit's messages (the worker also sends what other tests left pending in the company).
            emails={
                str(message["To"]): message
                for message in _emails(worker_outbox)
                if str(message["Message-ID"]).strip("<>").split("@")[0] in keys
            },
            calls=list(receiver.calls),
        )


def test_the_worker_sends_the_invitation_with_qr_code_and_calendar_file(worker_run, db):
    invitation = worker_run.emails["worker-test@example.org"]
    assert invitation["Subject"].strip() == "Ihr Besuch bei Acme Logistics am Dienstag, 2. März 2027"
    text = invitation.get_body(preferencelist=("plain",)).get_content()
    # A code drawn when the e-mail was made (only digests are stored), not the one of registration.
    assert re.search(r":\s+[A-HJ-NP-Z2-9]{8}\s*$", text, re.MULTILINE) and worker_run.code not in text
    assert "Hallo Marie" in text and "09:00" in text
    parts = {part.get_content_type(): part for part in invitation.walk()}
    assert parts["image/png"]["Content-ID"] == "<qr>"
    assert "METHOD:PUBLISH" in parts["text/calendar"].get_content()


def test_the_worker_emails_the_host_and_calls_the_signed_webhook(worker_run, db):
    assert worker_run.emails["sophie@acme.example"]["Subject"].strip() == "Your visitor Marie Lambert has arrived"
    [call] = worker_run.calls
    timestamp = call.headers["X-Checkin-Timestamp"]
    digest = hmac.new(b"whsec_worker-secret", f"{timestamp}.".encode() + call.body, hashlib.sha256).hexdigest()
    assert call.headers["X-Checkin-Signature"] == f"sha256={digest}"
    assert "code" not in json.loads(call.body)["visit"]
