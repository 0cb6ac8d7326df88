"""Beat remembers its schedule across restarts, and daily work runs at a time of day.

An interval schedule counts from beat's start when it has no memory of the last run, so with a schedule
file in /tmp (or an emptyDir) and a daily rollout a daily entry never came due.
"""

import datetime as dt
import os
import shelve
import subprocess
import sys
import time
from pathlib import Path

import yaml
from celery.schedules import crontab
from django.conf import settings

from tests.deploy.processes import ROOT

DEPLOY = ROOT / "deploy"
DAY = dt.timedelta(days=1)


def _interval(schedule: object) -> dt.timedelta | None:
    if isinstance(schedule, int | float):
        return dt.timedelta(seconds=schedule)
    if isinstance(schedule, dt.timedelta):
        return schedule
    return None


def test_daily_entries_run_at_a_time_of_day():
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        interval = _interval(entry["schedule"])
        assert interval is None or interval < DAY, f"{name} runs every {interval}: give it a crontab time"
    dropping = settings.CELERY_BEAT_SCHEDULE["drop-removed-company-schemas"]["schedule"]
    assert dropping == crontab(hour=3, minute=30)


def test_beat_writes_its_schedule_where_the_environment_says(tmp_path: Path):
    """`celery -A checkin beat`, as the image's entrypoint runs it, keeps its state in CHECKIN_BEAT_SCHEDULE_FILE."""
    schedule_file = tmp_path / "state" / "celerybeat-schedule"
    schedule_file.parent.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}",
        DJANGO_SETTINGS_MODULE="checkin.settings",
        CHECKIN_BEAT_SCHEDULE_FILE=str(schedule_file),
    )
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "checkin", "beat", "--loglevel", "WARNING"],
        cwd=tmp_path,  # not the file's folder: a relative default would land here
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not list(schedule_file.parent.iterdir()) and time.monotonic() < deadline:
            assert beat.poll() is None, beat.stderr.read() if beat.stderr else b""
            time.sleep(0.2)
        time.sleep(1)  # let it sync the entries it sent at start
    finally:
        beat.terminate()
        beat.wait(timeout=30)
    assert beat.returncode == 0, beat.stderr.read()[-3000:] if beat.stderr else b""
    with shelve.open(str(schedule_file), flag="r") as state:  # noqa: S301 - the file beat just wrote
        assert "drop-removed-company-schemas" in state["entries"]
    assert not (tmp_path / "celerybeat-schedule").exists()


def test_the_image_compose_and_kubernetes_keep_the_schedule_on_a_volume():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "CHECKIN_BEAT_SCHEDULE_FILE=/var/lib/checkin-beat/celerybeat-schedule" in dockerfile
    assert "install -d -o checkin -g checkin /var/lib/checkin-beat" in dockerfile
    assert "--schedule" not in (DEPLOY / "entrypoint.sh").read_text()  # the setting decides, nothing overrides it
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert "beat-schedule:/var/lib/checkin-beat" in compose["services"]["beat"]["volumes"]
    assert "beat-schedule" in compose["volumes"]
    manifests = [doc for doc in yaml.safe_load_all((DEPLOY / "k8s" / "release" / "beat.yaml").read_text()) if doc]
    claim = next(doc for doc in manifests if doc["kind"] == "PersistentVolumeClaim")
    pod = next(doc for doc in manifests if doc["kind"] == "Deployment")["spec"]["template"]["spec"]
    mounts = {mount["name"]: mount["mountPath"] for mount in pod["containers"][0]["volumeMounts"]}
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    schedule = next(name for name, path in mounts.items() if path == "/var/lib/checkin-beat")
    assert volumes[schedule]["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
    assert pod["securityContext"]["fsGroup"] == 10001
