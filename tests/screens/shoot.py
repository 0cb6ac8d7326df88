"""Screenshots of the kiosk, the desk board and the portal in each language, for a person to look at.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/checkin_demo .venv/bin/python tests/screens/shoot.py [folder]
    .venv/bin/python tests/screens/shoot.py --port 8000 [--languages fr,nl] [folder]

Without `--port` it does what `platform/dev.py run` does on DATABASE_URL (migrate, load the demo, serve it on a free
port, no worker) and stops the server at the end; with `--port` it uses a demo already served there. It signs in
with the demo logins (desk@tower.example, admin@acme.example), pairs a kiosk from the desk, checks a walk-in in per
language and orientation, and writes PNGs (default folder `.screens/`, ignored by git) of the kiosk start, the
walk-in details, the done screen and the badge at 1280x800 and 800x1280, and of the desk board and the portal's
visits at 1280x800. It prints each path written. Not a test (pytest does not collect it: tests/screens is in
`norecursedirs`); tests/foundation/test_screens_script.py runs it once.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
PASSWORD = "checkin-demo-2026"
LANGUAGES = ("fr", "nl", "en", "de")
LANDSCAPE: "ViewportSize" = {"width": 1280, "height": 800}
PORTRAIT: "ViewportSize" = {"width": 800, "height": 1280}
MANAGE = [sys.executable, str(ROOT / "platform" / "manage.py")]


def _environment(port: int | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}", "DJANGO_SETTINGS_MODULE": "checkin.settings"}
    if port is not None:
        env["CHECKIN_PUBLIC_PORT"] = str(port)
    env.pop("REDIS_URL", None)  # background tasks run inside the web process, as `dev.py run` without Redis
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(port: int, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline or (process is not None and process.poll() is not None):
                raise SystemExit(f"no server answers on port {port}") from None
            time.sleep(0.3)


@contextmanager
def demo_server() -> Iterator[int]:
    """`platform/dev.py run` on DATABASE_URL: migrate, load the demo, `runserver`; yields the port."""
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("set DATABASE_URL (a database of its own: the demo is loaded into it) or pass --port")
    port = _free_port()
    env = _environment(port)
    subprocess.run([*MANAGE, "migrate_schemas", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*MANAGE, "load_demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [*MANAGE, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_healthy(port, server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _demo_code() -> str:
    """The demo's current second-factor code: the first token `manage.py demo_code` prints."""
    out = subprocess.run([*MANAGE, "demo_code"], env=_environment(), cwd=ROOT, capture_output=True, text=True)
    out.check_returncode()
    return out.stdout.split()[0]


def sign_in(page: Any, url: str, email: str, landing: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("main input[name=username]", email)
    page.fill("main input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    for _attempt in range(3):
        if "/accounts/two-factor/" not in page.url:
            break
        page.fill("main input[name=code]", _demo_code())
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        if "/accounts/two-factor/" in page.url:  # this step's code was used already: wait for the next one
            time.sleep(30 - time.time() % 30 + 0.5)
    page.wait_for_url(f"**{landing}")


def _shot(page: Any, folder: Path, name: str) -> Path:
    page.wait_for_load_state("load")
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(path, flush=True)
    return path


def _pairing_code(desk: Any, tower: str) -> str:
    desk.goto(f"{tower}/desk/kiosks/")
    desk.fill("input[name=kiosk_name]", f"Screens {uuid.uuid4().hex[:6]}")
    desk.click("form button.primary")
    return str(desk.locator("[data-pairing-code]").first.inner_text()).strip()


def _walk_in(tablet: Any, tower: str, language: str, folder: Path, suffix: str) -> list[Path]:
    """Start screen, walk-in details (filled in), done screen and badge, in `language`."""
    written = []
    tablet.goto(f"{tower}/kiosk/")
    switch = tablet.locator(f"button.kiosk-language[value={language}]")
    if switch.count():
        switch.first.click()
        tablet.wait_for_load_state()
    written.append(_shot(tablet, folder, f"kiosk-start-{language}-{suffix}"))
    tablet.goto(f"{tower}/kiosk/walk-in/")
    company = tablet.locator("button.kiosk-company")
    if company.count():
        globex = company.filter(has_text="Globex")
        (globex if globex.count() else company).first.click()
        tablet.wait_for_load_state()
    # One person per language (a returning visitor keeps the language of their record on the badge).
    email = f"amelie.{language}@example.org"
    for field, value in (("first_name", "Amélie"), ("last_name", "Van den Bossche"),
                         ("visitor_company", "Brouwerij Zenne"), ("email", email)):  # fmt: skip
        box = tablet.locator(f"input[name={field}]")
        if box.count() and box.first.is_visible():
            box.first.fill(value)
    notice = tablet.locator("input[name=accept_notice]")
    if notice.count():
        notice.first.check()
    written.append(_shot(tablet, folder, f"kiosk-walk-in-{language}-{suffix}"))
    tablet.locator("form.kiosk-form button.primary, main button.primary").first.click()
    tablet.wait_for_load_state()
    if not tablet.url.endswith("/kiosk/done/"):
        print(f"  the walk-in did not reach the done screen in {language} ({tablet.url})", file=sys.stderr)
        written.append(_shot(tablet, folder, f"kiosk-walk-in-problem-{language}-{suffix}"))
        return written
    written.append(_shot(tablet, folder, f"kiosk-done-{language}-{suffix}"))
    tablet.goto(f"{tower}/kiosk/badge/")
    written.append(_shot(tablet, folder, f"kiosk-badge-{language}-{suffix}"))
    reset = tablet.locator("button[form=kiosk-reset]")
    if reset.count():
        reset.first.click()
        tablet.wait_for_load_state()
    return written


def shoot(port: int, folder: Path, languages: tuple[str, ...], root_domain: str = "localhost") -> list[Path]:
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    tower, acme = f"http://tower.{root_domain}:{port}", f"http://acme.{root_domain}:{port}"
    written: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            desk = browser.new_context(viewport=LANDSCAPE).new_page()
            sign_in(desk, tower, "desk@tower.example", "/desk/")
            desk_state = desk.context.storage_state()
            admin = browser.new_context(viewport=LANDSCAPE).new_page()
            sign_in(admin, acme, "admin@acme.example", "/")
            admin_state = admin.context.storage_state()
            kiosks = {}
            for suffix, viewport in (("landscape", LANDSCAPE), ("portrait", PORTRAIT)):
                tablet = browser.new_context(viewport=viewport).new_page()
                tablet.goto(f"{tower}/kiosk/")
                tablet.fill("input[name=code]", _pairing_code(desk, tower))
                tablet.click("button[type=submit]")
                tablet.wait_for_url("**/kiosk/")
                kiosks[suffix] = (viewport, tablet.context.storage_state())
                tablet.context.close()
            for language in languages:
                locale = f"{language}-BE"
                for suffix, (viewport, state) in kiosks.items():
                    tablet = browser.new_context(viewport=viewport, locale=locale, storage_state=state).new_page()
                    written += _walk_in(tablet, tower, language, folder, suffix)
                    tablet.context.close()
                board = browser.new_context(viewport=LANDSCAPE, locale=locale, storage_state=desk_state).new_page()
                board.goto(f"{tower}/desk/")
                written.append(_shot(board, folder, f"desk-board-{language}"))
                board.context.close()
                portal = browser.new_context(viewport=LANDSCAPE, locale=locale, storage_state=admin_state).new_page()
                portal.goto(f"{acme}/")
                written.append(_shot(portal, folder, f"portal-visits-{language}"))
                portal.goto(f"{acme}/visits/upcoming/")
                written.append(_shot(portal, folder, f"portal-upcoming-{language}"))
                portal.context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / ".screens"), help="where the PNGs go")
    parser.add_argument("--port", type=int, help="a demo already served on this port (else one is started)")
    parser.add_argument("--root-domain", default="localhost", help="CHECKIN_ROOT_DOMAIN of that server")
    parser.add_argument("--languages", default=",".join(LANGUAGES), help="comma-separated, of fr,nl,en,de")
    args = parser.parse_args(argv)
    languages = tuple(code for code in args.languages.split(",") if code)
    if unknown := set(languages) - set(LANGUAGES):
        parser.error(f"unknown languages: {', '.join(sorted(unknown))}")
    folder = Path(args.folder)
    if args.port:
        _wait_healthy(args.port)
        shoot(args.port, folder, languages, args.root_domain)
    else:
        with demo_server() as port:
            shoot(port, folder, languages, args.root_domain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
