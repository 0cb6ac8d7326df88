"""The production web process, shared by the tests that talk to it directly or through the proxy."""

from collections.abc import Iterator

import pytest

from tests.deploy.processes import current_test_database_url, free_port, gunicorn, production_env


@pytest.fixture(scope="module")
def production_server(web_login: str) -> Iterator[str]:
    """`gunicorn -c deploy/gunicorn.conf.py checkin.wsgi` with production settings on the test database."""
    port = free_port()
    url = current_test_database_url(user=web_login)
    env = production_env(database_url=url, port=port, CHECKIN_DB_ALLOW_SUPERUSER="0")  # the guide's login
    with gunicorn(env, port) as base:
        yield base
