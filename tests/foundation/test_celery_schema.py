"""Celery tasks run in the schema of whoever sent them (tenant-schemas-celery)."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from checkin.celery import app
from tests.foundation.schema_probe import schema_probe

ROOT = Path(__file__).resolve().parents[2]


def test_an_eager_task_runs_in_the_senders_schema(acme):
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with tenant_context(acme):
            schema, emails = schema_probe.delay().get()
    finally:
        app.conf.task_always_eager = eager
    assert schema == "acme"
    assert "admin@acme.example" in emails and "admin@globex.example" not in emails


@pytest.fixture
def worker(acme) -> Iterator[None]:
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is unset: no broker to run a worker against (CI sets it)")
    db = connection.settings_dict
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://{db['USER']}@{host}{port}/{db['NAME']}",
        "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "checkin", "worker", "--pool", "solo", "--concurrency", "1",
         "-I", "tests.foundation.schema_probe", "-l", "WARNING", "-n", f"test-{os.getpid()}@%h"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_task_sent_through_redis_runs_in_the_senders_schema(acme, globex, worker):
    with tenant_context(acme):
        from_acme = schema_probe.delay()
    with tenant_context(globex):
        from_globex = schema_probe.delay()
    public = schema_probe.delay()
    assert from_acme.get(timeout=60)[0] == "acme"
    assert "admin@acme.example" in from_acme.get(timeout=60)[1]
    assert from_globex.get(timeout=60)[0] == "globex"
    assert "admin@acme.example" not in from_globex.get(timeout=60)[1]
    assert public.get(timeout=60)[0] == "public"
