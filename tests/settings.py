"""The suite's settings: the product's (checkin.settings), with each pytest-xdist worker on a Redis database of its own.

`platform/dev.py test` runs the suite in pytest-xdist workers (`--ds tests.settings`, tests/parallel.py).
pytest-django gives each its own test database (`test_<name>_gw0`, ...), and with it its own role prefix
(shared_apps/database/db_roles.py); uploaded files and exports have random names, and tests/deploy/processes.py
splits its ports and scratch folder by worker. What the workers would still share is Redis: rate counters and
cached answers keyed by schema names both test databases hold, and the broker's queues (a worker's Celery process
would take the other's tasks). So REDIS_URL names another database for each worker, in the environment before the
product's settings read it, and the processes a test starts (dev server, gunicorn, Celery) inherit it. Outside
xdist this is checkin.settings unchanged.
"""

import os
import urllib.parse

# gw0 uses database 15, gw1 14, ...: far from 0 (CI's own REDIS_URL) and the low numbers a shared development
# machine hands out to the people running tests on it.
_LAST_REDIS_DATABASE = 15
MAX_WORKERS = 8


def worker_redis_url(url: str, worker: str) -> str:
    """`url` on the Redis database of xdist worker `gw<N>`."""
    index = int(worker.removeprefix("gw"))
    if index >= MAX_WORKERS:
        raise RuntimeError(f"at most {MAX_WORKERS} pytest-xdist workers: each needs a Redis database of its own")
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{_LAST_REDIS_DATABASE - index}"))


_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
# Once per process tree: a process a test starts inherits both the changed URL and this mark.
if _WORKER and os.environ.get("REDIS_URL") and os.environ.get("CHECKIN_TEST_WORKER") != _WORKER:
    os.environ.update(REDIS_URL=worker_redis_url(os.environ["REDIS_URL"], _WORKER), CHECKIN_TEST_WORKER=_WORKER)

from checkin.settings import *  # noqa: E402, F403
