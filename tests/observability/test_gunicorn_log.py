"""gunicorn's own lines (start, workers, shutdown) come in the application's JSON format, and no access lines."""

import http.client
import json
import subprocess
import sys

import pytest

from tests.deploy.processes import ROOT, current_test_database_url, production_env, wait_until_answers
from tests.observability.conftest import ephemeral_port

pytestmark = pytest.mark.django_db


def test_gunicorns_own_lines_are_json_lines(tmp_path):
    port = ephemeral_port()
    env = production_env(database_url=current_test_database_url(), port=port, LOG_LEVEL="INFO")
    log = tmp_path / "web.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "checkin.wsgi"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/healthz", timeout=120, process=process)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/accounts/login/", headers={"Host": "acme.localhost"})
        connection.getresponse().read()
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=30)

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    gunicorn_lines = [line["message"] for line in lines if line["logger"] == "gunicorn.error"]
    assert any(message.startswith("Starting gunicorn") for message in gunicorn_lines), log.read_text()[-2000:]
    assert any(message.startswith("Booting worker") for message in gunicorn_lines)
    assert [line["path"] for line in lines if line["logger"] == "checkin.access"] == ["/accounts/login/"]
    assert not [line for line in lines if line["logger"] == "gunicorn.access"]


ACCESS_CHECK = """
import runpy, sys
from gunicorn.config import Config

deployed = runpy.run_path("deploy/gunicorn.conf.py")
config = Config()
config.set("logconfig_dict", deployed["logconfig_dict"])
config.set("accesslog", sys.argv[1] or None)
logger = deployed["logger_class"](config)
try:
    logger.access(None, None, None, None)  # no response to read: building its fields fails
except Exception:
    print("built")
else:
    print("skipped")
"""


@pytest.mark.parametrize(("accesslog", "expected"), [("", "skipped"), ("-", "built")])
def test_access_fields_are_built_only_when_an_access_log_is_asked_for(tmp_path, accesslog, expected):
    """gunicorn would format every request's access fields (a logging config is always given), for nothing."""
    env = {"PATH": "/usr/bin:/bin", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PYTHONPATH": f"{ROOT}/platform:{ROOT}"}
    done = subprocess.run([sys.executable, "-c", ACCESS_CHECK, accesslog], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.stdout.strip() == expected, done.stderr[-2000:]
