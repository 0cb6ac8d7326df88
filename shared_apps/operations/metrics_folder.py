"""Where the processes of one web or worker server write their metrics (prometheus-client's multiprocess mode).

Imported by deploy/gunicorn.conf.py before Django loads, so it imports nothing of Django.
"""

import os
import tempfile
from pathlib import Path

FOLDER_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def metrics_folder_prepare() -> Path:
    """Make the folder empty (a new one under the temporary folder if PROMETHEUS_MULTIPROC_DIR is unset, and set it).

    Emptied at start: files of an earlier run would add its counts to this one's, or mix with the processes of
    this run that got the same pid. Must run before prometheus-client is imported.
    """
    folder = os.environ.get(FOLDER_VARIABLE)
    if not folder:
        folder = tempfile.mkdtemp(prefix="checkin-metrics-")
        os.environ[FOLDER_VARIABLE] = folder
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)
    return path


def metrics_process_gone(pid: int) -> None:
    """A worker process exited: its live gauges no longer count (its counters and histograms still do)."""
    if os.environ.get(FOLDER_VARIABLE):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
