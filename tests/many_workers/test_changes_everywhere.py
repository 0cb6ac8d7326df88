"""A change is honoured by every web process before the request that made it returns (issue 19, hole 2).

gunicorn runs four workers with the production settings, whose memories keep hosts, kiosks, companies and the
documents a kiosk shows for 5 s (shared_apps/database/brief_memory.py). Each test first has every worker serve
(and remember) what is about to change, then makes the change through one request, then sends many requests at
once until every worker has answered: not one of them is served as before.
"""

import json
import time

import pytest

from checkin.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tenant_apps.kiosk.device import DEVICE_COOKIE
from tests.many_workers.workers import Answer

pytestmark = pytest.mark.django_db  # the world is a copy of the test database: it must exist


def _statuses(answers: list[tuple[int, Answer]]) -> set[int]:
    return {answer.status for _, answer in answers}


def _it_api(workers, world, method: str, path: str, body: dict[str, str] | None = None) -> Answer:
    it = workers.browser("localhost", Authorization=f"Bearer {world.seeded['it_token']}")
    return it.request(method, path, json=json.dumps(body) if body is not None else None)


def _company_api(workers, world, slug: str):
    api = workers.browser(f"{slug}.localhost", Authorization=f"Bearer {world.seeded['tokens'][slug]}")
    return lambda: api.request("GET", "/api/v1/visitors/", keep_cookies=False)


def test_a_suspension_and_a_reactivation(workers, world):
    visitors = _company_api(workers, world, "acme")
    assert _statuses(workers.flood(visitors)) == {200}
    assert _it_api(workers, world, "PATCH", "/api/v1/companies/acme/", {"status": "suspended"}).status == 200
    assert _statuses(workers.flood(visitors)) == {503}  # the page that says so, and no visitor
    assert _it_api(workers, world, "PATCH", "/api/v1/companies/acme/", {"status": "active"}).status == 200
    assert _statuses(workers.flood(visitors)) == {200}


def test_a_removal(workers, world):
    visitors = _company_api(workers, world, "globex")
    assert _statuses(workers.flood(visitors)) == {200}
    assert _it_api(workers, world, "DELETE", "/api/v1/companies/globex/").status == 200
    assert _statuses(workers.flood(visitors)) == {404}


def test_a_revoked_kiosk(workers, world):
    kiosk = world.seeded["kiosks"]["revoked"]
    tablet = workers.browser("tower.localhost")
    tablet.cookies[DEVICE_COOKIE] = kiosk["token"]

    def start() -> Answer:
        return tablet.copy().request("GET", "/kiosk/")

    assert _statuses(workers.flood(start)) == {200}
    desk = workers.browser("tower.localhost").sign_in("desk@tower.example", DEMO_PASSWORD, DEMO_TOTP_SECRET)
    desk.request("GET", "/desk/kiosks/")
    assert desk.request("POST", f"/desk/kiosks/{kiosk['id']}/revoke/", {"confirm": "yes"}).status == 302
    answers = workers.flood(start)
    assert {(answer.status, answer.location) for _, answer in answers} == {(302, "/kiosk/pair/")}


def _signed_in(workers, email: str):
    return workers.browser("acme.localhost").sign_in(email, DEMO_PASSWORD, DEMO_TOTP_SECRET)


@pytest.fixture(scope="module")
def acme_admin(workers):
    """Signed in once: a second sign-in within the same 30 s would need the next code."""
    admin = _signed_in(workers, "admin@acme.example")
    admin.request("GET", "/users/")
    return admin


def test_a_deactivated_account(workers, world, acme_admin):
    member = _signed_in(workers, "member3@acme.example")
    assert _statuses(workers.flood(lambda: member.copy().request("GET", "/"))) == {200}
    user_id = world.seeded["acme_users"]["member3@acme.example"]
    assert acme_admin.request("POST", f"/users/{user_id}/active/", {"active": "0"}).status == 302
    answers = workers.flood(lambda: member.copy().request("GET", "/"))
    assert {(answer.status, answer.location.split("?")[0]) for _, answer in answers} == {(302, "/accounts/login/")}


def test_a_role_change(workers, world, acme_admin):
    demoted = _signed_in(workers, "second-admin@acme.example")
    assert _statuses(workers.flood(lambda: demoted.copy().request("GET", "/users/"))) == {200}
    user_id = world.seeded["acme_users"]["second-admin@acme.example"]
    assert acme_admin.request("POST", f"/users/{user_id}/role/", {f"u{user_id}-role": "member"}).status == 302
    assert 200 not in _statuses(workers.flood(lambda: demoted.copy().request("GET", "/users/")))


def test_a_new_document_version(workers, world):
    """The privacy notice a kiosk shows: IT publishes a version in the console, and no worker shows the old one."""
    tablet = workers.browser("tower.localhost")
    tablet.cookies[DEVICE_COOKIE] = world.seeded["kiosks"]["documents"]["token"]
    tablet.request("GET", "/kiosk/")
    assert tablet.request("POST", "/kiosk/language/", {"language": "en"}).status == 302
    acme = str(world.seeded["companies"]["acme"])  # globex may be removed by now (test_a_removal)
    chosen = tablet.request("POST", "/kiosk/walk-in/", {"company": acme})
    if chosen.location == "/kiosk/walk-in/host/":  # acme shows its hosts on the kiosk: no one in particular
        chosen = tablet.request("POST", "/kiosk/walk-in/host/", {"host": "none"})
    assert chosen.location == "/kiosk/walk-in/details/", chosen

    def details() -> Answer:
        return tablet.copy().request("GET", "/kiosk/walk-in/details/", keep_cookies=False)

    version = f"Notice published by the many-worker test {time.time_ns()}"
    before = workers.flood(details)
    assert _statuses(before) == {200} and not any(version in answer.body for _, answer in before)
    it = workers.browser("localhost").sign_in("it@checkin.example", DEMO_PASSWORD, DEMO_TOTP_SECRET)
    it.request("GET", "/console/buildings/tower/documents/")
    published = it.request("POST", "/console/buildings/tower/documents/",
                           {"kind": "privacy_notice", "language": "en", "text": version})  # fmt: skip
    assert published.status == 302, published.body[-2000:]
    after = workers.flood(details)
    assert _statuses(after) == {200} and all(version in answer.body for _, answer in after)
