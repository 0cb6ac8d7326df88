"""The production web process, shared by the tests that talk to it directly or through the proxy."""

from collections.abc import Iterator

import psycopg
import pytest

from shared_apps.tenancy import db_roles
from tests.deploy.processes import current_test_database_url, free_port, gunicorn, production_env


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


@pytest.fixture(scope="module")
def production_server(web_login: str) -> Iterator[str]:
    """`gunicorn -c deploy/gunicorn.conf.py checkin.wsgi` with production settings on the test database."""
    port = free_port()
    with gunicorn(production_env(database_url=current_test_database_url(user=web_login), port=port), port) as base:
        yield base
