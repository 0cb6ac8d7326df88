"""Headless Chromium against a dev server on the test database (it sees only committed rows).

The browser tests share one dev server and one Chromium for the session (the `dev_site` and `browser` fixtures of
tests/conftest.py): starting either takes seconds on a busy machine, more than most of these tests' own steps.
Each test signs in as a person of its own (`desk_person`): accounts sign in with a second factor, and a code is
good once, so tests sharing one account would wait for the authenticator's next 30-second step
(tests/two_factor.py).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from django.db import connection

from tests.committed import outside_the_test_transaction
from tests.two_factor import code_for_browser

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def dev_server(
    *, output: IO[bytes] | None = None, env: dict[str, str] | None = None, unset: tuple[str, ...] = ()
) -> Iterator[int]:
    """`runserver` on the test database; yields its port. Its standard output (the console e-mail backend's
    messages) goes to `output`; `env` adds to its environment, `unset` removes from it."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed")
    settings_dict = connection.settings_dict
    host = quote(settings_dict["HOST"] or "", safe="")
    port_part = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    port = free_port()
    environment = {
        **{name: value for name, value in os.environ.items() if name not in unset},
        "DATABASE_URL": f"postgresql://{settings_dict['USER']}@{host}{port_part}/{settings_dict['NAME']}",
        "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}",
        "DEBUG": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        # No spare schemas, as in the test process (tests/conftest.py): a building or company provisioned from a
        # page would otherwise leave committed spares that later tests take for their own.
        "CHECKIN_SPARE_SCHEMAS": "0",
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "platform/manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=environment, cwd=ROOT, stdout=output or subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60  # generous: the machine may be busy
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the dev server did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


# What the shared server runs with: no REDIS_URL, so anything the services queue runs in-process (its e-mails go to
# the server's output, where tests read them); a new connection for each request, so nothing of the server's holds
# the test database open or sees a request's settings beyond it; no brief memories, since the tests change buildings
# and companies from their own process, where saves bump no generation (tests/conftest.py turns memories off), and a
# server remembering them would act for seconds on what was there before (the licence plate asked, or not).
SITE_ENV = {"CONN_MAX_AGE": "0", "CHECKIN_HOST_CACHE_SECONDS": "0"}
SITE_UNSET = ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")  # the latter: see tests/conftest.py's `chromium`
PASSWORD = "checkin-demo-2026"  # the demo's, and of every account made here


@dataclass(frozen=True)
class Site:
    """The session's dev server: its port, and the file its standard output goes to (the console e-mail
    backend's messages of every test so far: search it for what is unique to the test)."""

    port: int
    output: Path

    def url(self, host: str) -> str:
        return f"http://{host}:{self.port}"


def desk_person(building: str = "tower") -> tuple[str, str]:
    """A desk account of its own at `building`'s reception (committed: the server sees it), with the demo's
    second-factor secret. Returns its e-mail address and schema; the account stays, like the rest of what these
    tests commit (under names unique to the run)."""
    from django_tenants.utils import tenant_context

    from checkin.demo import DEMO_TOTP_SECRET
    from shared_apps.accounts.models import User
    from shared_apps.accounts.services import user_ensure
    from shared_apps.accounts.two_factor import device_set
    from shared_apps.tenancy.models import Tenant

    email = f"desk-{uuid.uuid4().hex[:8]}@{building}.example"

    def work() -> str:
        reception = Tenant.objects.get(building__slug=building, type=Tenant.Type.RECEPTION)
        with tenant_context(reception):
            user = user_ensure(email=email, full_name="Browser Desk", role=User.Role.DESK, password=PASSWORD)
            device_set(user=user, secret=DEMO_TOTP_SECRET)
        return str(reception.schema_name)

    return email, outside_the_test_transaction(work)


def sign_in(page: Any, url: str, email: str, schema: str, *, password: str = PASSWORD) -> None:
    """Sign in on the page as a person would: the password, then the authenticator's code when the account has
    one (desk and IT accounts always do)."""
    page.goto(f"{url}/accounts/login/")
    page.fill("main input[name=username]", email)
    page.fill("main input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/two-factor/" in page.url:
        page.fill("main input[name=code]", code_for_browser(schema, email))
        page.click("main button[type=submit]")
        page.wait_for_load_state()


def sign_in_at_the_desk(page: Any, url: str, building: str = "tower") -> str:
    """Sign in to `url`'s desk as a desk person of the test's own; returns the account's e-mail address."""
    email, schema = desk_person(building)
    sign_in(page, url, email, schema)
    page.wait_for_url("**/desk/")
    return email


SERIOUS = {"serious", "critical"}
LANDSCAPE: "ViewportSize" = {"width": 1280, "height": 800}  # the lobby tablet and the desk's screen


def axe_serious(page: "Page") -> list[str]:
    """The serious and critical axe-core violations of the page as it is now, one line each (rule, nodes)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{page.url} {violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def axe_sign_in_pages(page: "Page", url: str, *, email: str) -> list[str]:
    """A fresh context's first page, opened on `url`'s sign-in: its violations, then those after a wrong password."""
    page.goto(f"{url}/accounts/login/")
    found = axe_serious(page)
    page.fill("main input[name=username]", email)
    page.fill("main input[name=password]", "wrong")
    page.click("main button[type=submit]")
    return found + axe_serious(page)  # with its error


def invite_today(first: str, language: str, *, schema: str = "acme") -> str:
    """A committed invitation of `schema`'s for now until two hours from now (the dev server sees it); its code."""
    import datetime as dt

    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from shared_apps.tenancy.models import Tenant
    from tenant_apps.visits.models import Visit, Visitor
    from tenant_apps.visits.services import Actor, visit_register

    def work() -> str:
        company = Tenant.objects.get(schema_name=schema)
        now = timezone.now()
        with tenant_context(company):
            visitor = Visitor.objects.create(first_name=first, last_name="Scanner", language=language)
            end = now + dt.timedelta(hours=2)
            visit = visit_register(visitor=visitor, host=None, expected_start=now, expected_end=end, purpose="",
                                   actor=Actor(label="test", channel=Visit.Channel.INVITATION))  # fmt: skip
            return str(visit.code)

    return outside_the_test_transaction(work)
