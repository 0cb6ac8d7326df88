"""Many requests at once to a gunicorn with several workers, and which worker answered each (its access log)."""

import http.client
import http.cookies
import itertools
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psutil

from tests.deploy.processes import ROOT, wait_until_answers

CSRF_COOKIE = "__Host-checkin_csrf"  # the production settings' names
PROBE = "X-Probe"  # its value ends each access log line, after the worker's pid and the status (gunicorn.conf.py)
_ACCESS = re.compile(r"<(\d+)> \d{3} (\d+)")
_probes = itertools.count(1)


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    body: str
    probe: int


class Browser:
    """One browser on one host over the proxy's HTTPS (a header): its cookies, its CSRF token."""

    def __init__(self, port: int, host: str, *, headers: dict[str, str] | None = None) -> None:
        self.port, self.host = port, host
        self.headers = dict(headers or {})
        self.cookies: dict[str, str] = {}

    def copy(self) -> "Browser":
        other = Browser(self.port, self.host, headers=self.headers)
        other.cookies = dict(self.cookies)
        return other

    def request(self, method: str, path: str, form: dict[str, str] | None = None, *, json: str | None = None,
                keep_cookies: bool = True) -> Answer:  # fmt: skip
        probe = next(_probes)
        headers = {"Host": self.host, "X-Forwarded-Proto": "https", "Accept-Language": "en", PROBE: str(probe),
                   **self.headers}  # fmt: skip
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body: str | None = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get(CSRF_COOKIE, "")})
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{self.host}",
                        "Referer": f"https://{self.host}/"}  # fmt: skip
        elif json is not None:
            body = json
            headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
        finally:
            connection.close()
        if keep_cookies:
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in http.cookies.SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        return Answer(response.status, response.headers.get("Location", ""), text, probe)

    def sign_in(self, email: str, password: str, totp_secret: str) -> "Browser":
        """The login form, then the code step when the account has a second factor."""
        from shared_apps.accounts import totp

        self.request("GET", "/accounts/login/")
        answer = self.request("POST", "/accounts/login/", {"username": email, "password": password})
        assert answer.status == 302, f"{email} could not sign in ({answer.status})"
        if answer.location == "/accounts/two-factor/":
            # Each step's code is taken once, and an earlier sign-in (this module's or one copied with the
            # database) may have taken this step's: then the next step's, which the server also accepts.
            for attempt in range(3):
                if attempt == 2:  # both taken: the next step's window brings a fresh code
                    time.sleep(totp.STEP_SECONDS - time.time() % totp.STEP_SECONDS + 0.1)
                step = totp.step_at() + min(attempt, 1)
                answer = self.request("POST", "/accounts/two-factor/", {"code": totp.code_at(totp_secret, step)})
                if answer.status == 302:
                    break
            assert answer.status == 302, f"the second factor of {email} was refused ({answer.status})"
        return self


@dataclass
class Workers:
    """A running gunicorn: its port, its worker processes, and the access log that says who answered what."""

    port: int
    master: subprocess.Popen[bytes]
    log: Path
    pids: set[int] = field(default_factory=set)

    @classmethod
    @contextmanager
    def started(cls, env: dict[str, str], port: int, log: Path, *, count: int) -> Iterator["Workers"]:
        """gunicorn with deploy/gunicorn.conf.py and an access log naming the worker and the probe
        (tests/many_workers/gunicorn.conf.py)."""
        with log.open("wb") as out:
            master = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "tests/many_workers/gunicorn.conf.py", "checkin.wsgi"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        running = cls(port=port, master=master, log=log)
        try:
            try:
                wait_until_answers(f"http://127.0.0.1:{port}/healthz", process=master, timeout=60)
                deadline = time.monotonic() + 60
                while len(running.worker_pids()) < count and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert len(running.worker_pids()) == count, "the workers did not all start"
            except (RuntimeError, TimeoutError, AssertionError):
                sys.stderr.write(log.read_text(errors="replace")[-5000:])
                raise
            running.pids = running.worker_pids()
            yield running
        finally:
            master.terminate()
            try:
                master.wait(timeout=20)
            except subprocess.TimeoutExpired:
                master.kill()
                master.wait()

    def worker_pids(self) -> set[int]:
        return {child.pid for child in psutil.Process(self.master.pid).children()}

    def browser(self, host: str, **headers: str) -> Browser:
        return Browser(self.port, host, headers=headers)

    def _answered_by(self, probes: set[int]) -> dict[int, int]:
        """Which worker answered each probe, from the access log (`<pid> <status> <probe>` lines)."""
        found: dict[int, int] = {}
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for pid, probe in _ACCESS.findall(self.log.read_text(errors="replace")):
                if int(probe) in probes:
                    found[int(probe)] = int(pid)
            if len(found) == len(probes):
                break
            time.sleep(0.1)
        return found

    def flood(
        self, send: Callable[[], Answer], *, at_once: int = 24, at_least: int = 0, rounds: int = 12
    ) -> list[tuple[int, Answer]]:
        """`send` many times at once, round after round, until every worker has answered (and at least `at_least`
        were sent); (worker, answer) each.

        Fails when some worker never answered: the point is that all of them do.
        """
        answers: list[tuple[int, Answer]] = []
        with ThreadPoolExecutor(max_workers=at_once) as pool:
            for _ in range(rounds):
                batch = list(pool.map(lambda _: send(), range(at_once)))
                by_probe = self._answered_by({answer.probe for answer in batch})
                answers += [(by_probe.get(answer.probe, 0), answer) for answer in batch]
                if {worker for worker, _ in answers} >= self.pids and len(answers) >= at_least:
                    return answers
        raise AssertionError(f"not every worker answered: {sorted({w for w, _ in answers})} of {sorted(self.pids)}")
