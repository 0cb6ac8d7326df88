"""Personas shared by the whole suite.

The test database holds the demo (building `tower` with `acme` and `globex`)
plus a second building `harbour` with `initech`, created once per session and
committed. Each test then runs in a transaction that is rolled back,
schema changes included, and starts on the public schema.
"""

import os
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django_tenants.utils import schema_context, tenant_context

from checkin.celery import app
from checkin.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo
from shared_apps.accounts.models import User
from shared_apps.accounts.services import user_ensure
from shared_apps.accounts.two_factor import device_set
from shared_apps.database import db_roles
from shared_apps.database.brief_memory import brief_memories_forget, generations_read
from shared_apps.database.connection import tenant_connection
from shared_apps.provisioning.buildings import building_create
from shared_apps.provisioning.companies import company_create
from shared_apps.tenancy.models import Building, Domain, Tenant
from tests.browser import CHROMIUM, CHROMIUM_ARGS, SITE_ENV, SITE_UNSET, Site, dev_server
from tests.deploy.processes import current_test_database_url
from tests.two_factor import code_for


def _commits(item: pytest.Item) -> bool:
    """Whether the test drives a dev server, which commits what its requests write (visits, visitors, hosts,
    kiosks, rate counts)."""
    module = getattr(item, "module", None)
    shared = {"dev_site", "chromium"} & set(getattr(item, "fixturenames", ()))
    return bool(shared) or getattr(module, "dev_server", None) is dev_server or hasattr(module, "CHROMIUM")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that commit run last, so no other test finds their rows (nor a copy of the test database holds
    them)."""
    items[:] = [item for item in items if not _commits(item)] + [item for item in items if _commits(item)]


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `--dist loadscope` (platform/dev.py test): whole modules, in the serial order (tests/parallel.py)."""
    if config.getoption("dist") != "loadscope":
        return None
    from tests.parallel import ModuleScheduling

    return ModuleScheduling(config, log)


def pytest_configure(config: pytest.Config) -> None:
    # Only an xdist worker itself (it has `workerinput`) takes turns: a pytest that a test starts in a subprocess
    # inherits the worker's environment, and waiting there for a turn its parent holds would never end.
    if hasattr(config, "workerinput") and os.environ.get("PYTEST_XDIST_TESTRUNUID"):
        from tests.parallel import Turns

        config.pluginmanager.register(Turns(os.environ["PYTEST_XDIST_TESTRUNUID"]), "checkin-turns")


PASSWORD = DEMO_PASSWORD


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    # Never seed personas into a real database (pytest-django only swaps in the
    # test database when a selected test uses the database).
    # No spare schemas: provisioning clones its template, as it does when the pool is empty.
    # tests/foundation/test_spare_schemas.py turns them on where it needs them.
    settings.CHECKIN_SPARE_SCHEMAS = 0
    # Tests change tenants with queryset updates (no signal) and roll them back: nothing is remembered.
    # tests/foundation/test_brief_memory.py turns the memories on where it tests them.
    settings.CHECKIN_HOST_CACHE_SECONDS = 0
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        seeding = tenant_connection().settings_dict["NAME"].startswith("test_")
        if seeding:
            _seed()
    yield
    if seeding:
        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            # Roles belong to the cluster and would outlive the test database.
            db_roles.roles_drop_with_prefix(db_roles.role_prefix())


def _seed() -> None:
    load_demo()
    harbour = building_create(slug="harbour", name="Harbour House", address="Quai 1, Antwerp")
    initech = company_create(building=harbour, slug="initech", name="Initech")
    with tenant_context(Tenant.objects.get(building=harbour, type=Tenant.Type.RECEPTION)):
        desk = user_ensure(
            email="desk@harbour.example", full_name="Harbour Desk", role=User.Role.DESK, password=PASSWORD
        )
        device_set(user=desk, secret=DEMO_TOTP_SECRET)
    with tenant_context(initech):
        user_ensure(email="admin@initech.example", full_name="Initech Admin", role=User.Role.ADMIN, password=PASSWORD)
    with tenant_context(Tenant.objects.get(slug="acme")):
        user_ensure(email="member@acme.example", full_name="Acme Member", role=User.Role.MEMBER, password=PASSWORD)
    tenant_connection().set_schema_to_public()


@pytest.fixture(scope="session")
def dev_site(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One dev server on the test database for every browser test of the session (tests/browser.py). It starts
    with the first of them, which run last (`pytest_collection_modifyitems`), and stops before the database goes."""
    output = tmp_path_factory.mktemp("dev_site") / "server.out"
    with output.open("wb") as sink, dev_server(output=sink, env=SITE_ENV, unset=SITE_UNSET) as port:
        yield Site(port=port, output=output)


@pytest.fixture(autouse=True)
def _public_schema_and_english_between_tests() -> Iterator[None]:
    # A request through the test client leaves its schema and language active in the thread.
    tenant_connection().set_schema_to_public()
    db_roles.scope_reset(None)
    translation.activate("en")
    yield
    tenant_connection().set_schema_to_public()
    translation.activate("en")


def _tenant(slug: str) -> Tenant:
    with schema_context("public"):
        return Tenant.objects.get(slug=slug)


@pytest.fixture(scope="session")
def chromium(dev_site: Site) -> Iterator[Any]:
    """One headless Chromium for every browser test of the session (starting Playwright's driver and the browser
    took 5-10 s a test on the busy CI machine); each test opens contexts of its own (`browser`).

    Playwright's sync API keeps its event loop running in this thread between calls, and Django refuses its ORM
    in a thread with a running loop (SynchronousOnlyOperation): the tests that follow set up and roll back their
    database fixtures in this thread. They are browser tests only (they run last), the loop never runs while the
    ORM does (one thread), and their own ORM work already runs in threads of its own (tests/two_factor.py,
    tests/committed.py); the dev server started before this and never sees the flag."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield launched
            finally:
                launched.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """The session's Chromium; the contexts (cookies, storage, pages) the test opened are closed after it."""
    yield chromium
    for context in chromium.contexts:
        context.close()


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks run in-process, as without REDIS_URL, whatever the environment says (CI sets REDIS_URL)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture
def remembering(settings: Any, db: None) -> Iterator[None]:
    """The web process's brief memories on, as in production (the suite runs with them off), empty at both ends.

    The test itself acts as a request that has read the generations (as every request does first), so the
    memories also answer calls made outside the test client."""
    settings.CHECKIN_HOST_CACHE_SECONDS = 5
    brief_memories_forget()
    generations_read()
    yield
    brief_memories_forget()


@pytest.fixture
def acme(db: None) -> Tenant:
    return _tenant("acme")


@pytest.fixture
def globex(db: None) -> Tenant:
    return _tenant("globex")


@pytest.fixture
def initech(db: None) -> Tenant:
    return _tenant("initech")


@pytest.fixture
def tower(db: None) -> Building:
    return Building.objects.get(slug="tower")


@pytest.fixture
def harbour(db: None) -> Building:
    return Building.objects.get(slug="harbour")


@pytest.fixture
def tower_reception(db: None) -> Tenant:
    return _tenant("tower")


class HostClient(Client):
    """A test client bound to one host, as a browser on that subdomain would be."""

    def __init__(self, host: str, **kwargs: object) -> None:
        super().__init__(HTTP_HOST=host, **kwargs)  # type: ignore[arg-type]
        self.host = host

    def sign_in(self, email: str, password: str = PASSWORD) -> "HostClient":
        """Sign in as a person would: the password, then a code from the account's app (set up first if the host
        requires one and the account has none yet)."""
        response = self.post("/accounts/login/", {"username": email, "password": password})
        assert response.status_code == 302, f"sign-in as {email} on {self.host} failed"
        if response["Location"] == "/accounts/two-factor/setup/":
            self.get(response["Location"])
            response = self.post(response["Location"], {"code": code_for(self.schema, email)})
            assert response.status_code == 200 and response.context["codes"], f"set-up for {email} failed"
        elif response["Location"] == "/accounts/two-factor/":
            response = self.post(response["Location"], {"code": code_for(self.schema, email)})
            assert response.status_code == 302, f"second factor of {email} on {self.host} failed"
        return self

    @property
    def schema(self) -> str:
        with schema_context("public"):
            return Domain.objects.select_related("tenant").get(domain=self.host).tenant.schema_name


@pytest.fixture
def client_for(db: None):
    def make(host: str) -> HostClient:
        return HostClient(host)

    return make


@pytest.fixture
def acme_admin(client_for) -> HostClient:
    return client_for("acme.localhost").sign_in("admin@acme.example")


@pytest.fixture
def acme_member(client_for) -> HostClient:
    return client_for("acme.localhost").sign_in("member@acme.example")


@pytest.fixture
def globex_admin(client_for) -> HostClient:
    return client_for("globex.localhost").sign_in("admin@globex.example")


@pytest.fixture
def tower_desk(client_for) -> HostClient:
    return client_for("tower.localhost").sign_in("desk@tower.example")


@pytest.fixture
def harbour_desk(client_for) -> HostClient:
    return client_for("harbour.localhost").sign_in("desk@harbour.example")


@pytest.fixture
def it_staff(client_for) -> HostClient:
    return client_for("localhost").sign_in("it@checkin.example")


@pytest.fixture(scope="module")
def web_login(django_db_setup, django_db_blocker) -> Iterator[str]:
    """A login that owns nothing and is not a superuser, as the web process should use in production."""
    with django_db_blocker.unblock():
        login, app = f"{db_roles.role_prefix()}__web", db_roles.app_role()
    owner_url = current_test_database_url()
    with psycopg.connect(owner_url, autocommit=True) as db:
        db.execute(f'DROP ROLE IF EXISTS "{login}"')
        db.execute(f'CREATE ROLE "{login}" LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE')
        db.execute(f'GRANT "{app}" TO "{login}"')
    try:
        yield login
    finally:
        with psycopg.connect(owner_url, autocommit=True) as db:
            db.execute(f'DROP OWNED BY "{login}"')
            db.execute(f'DROP ROLE "{login}"')
