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
