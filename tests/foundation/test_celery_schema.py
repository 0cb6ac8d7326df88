"""Celery tasks run in the schema of whoever sent them (tenant-schemas-celery), or in the one named."""

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from checkin.celery import app
from shared_apps.operations.broker import publish_in_schema
from tests.foundation.schema_probe import schema_note, schema_probe

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


def _noted(key: str, *, timeout: float = 60) -> tuple[str, list[str]]:
    client = redis.Redis.from_url(settings.REDIS_URL)
    deadline = time.monotonic() + timeout
    while (value := client.get(key)) is None:
        assert time.monotonic() < deadline, f"no task wrote {key} within {timeout} s"
        time.sleep(0.1)
    client.delete(key)
    schema, emails = json.loads(value)
    return schema, emails


@pytest.fixture
def eager() -> Iterator[None]:
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is unset: the probe writes what it saw to Redis (CI sets it)")
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = before


def test_an_eager_task_published_in_a_schema_runs_there_whoever_sends_it(acme, globex, eager):
    key = f"test:schema-note:{uuid.uuid4()}"
    with tenant_context(globex):
        assert publish_in_schema(schema_note, "acme", key)
    schema, emails = _noted(key)
    assert schema == "acme"
    assert "admin@acme.example" in emails and "admin@globex.example" not in emails


def test_a_task_published_in_a_schema_through_redis_runs_there_whoever_sends_it(acme, globex, worker):
    to_acme, to_globex = f"test:schema-note:{uuid.uuid4()}", f"test:schema-note:{uuid.uuid4()}"
    with tenant_context(globex):
        assert publish_in_schema(schema_note, "acme", to_acme)
    assert publish_in_schema(schema_note, "globex", to_globex)  # from the public schema
    schema, emails = _noted(to_acme)
    assert schema == "acme"
    assert "admin@acme.example" in emails and "admin@globex.example" not in emails
    assert _noted(to_globex)[0] == "globex"
