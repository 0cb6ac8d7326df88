"""Each rate limit holds its README count with several gunicorn workers, attempts arriving at all of them at once.

Attempts are sent many at a time until every worker has answered some; exactly the allowed number is checked,
every other attempt is refused, whichever worker it reached (shared_apps/login_throttle/counters.py).
"""

import itertools
import secrets

import pytest

from checkin.demo import DEMO_PASSWORD
from tenant_apps.kiosk.device import DEVICE_COOKIE
from tenant_apps.kiosk.services import CODE_ATTEMPTS, DEVICE_CHECK_INS, DEVICE_CODE_FAILURES, PAIRING_ATTEMPTS
from tenant_apps.visits.models import CODE_ALPHABET
from tests.many_workers.workers import Answer, Browser

pytestmark = pytest.mark.django_db  # the world is a copy of the test database: it must exist

TOO_MANY = "Too many attempts"
_addresses = itertools.count(10)


def _outcomes(answers: list[tuple[int, Answer]], checked: str) -> tuple[int, int, int]:
    """(checked, refused, anything else) among the answers."""
    refused = sum(TOO_MANY in answer.body for _, answer in answers)
    passed = sum(checked in answer.body for _, answer in answers)
    return passed, refused, len(answers) - passed - refused


def _wrong_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _tablet(workers, token: str) -> Browser:
    """A kiosk's browser with its device cookie and a language chosen (each visitor starts so)."""
    tablet = workers.browser("tower.localhost")
    tablet.cookies[DEVICE_COOKIE] = token
    tablet.request("GET", "/kiosk/")
    assert tablet.request("POST", "/kiosk/language/", {"language": "en"}).status == 302
    return tablet


def test_wrong_pairing_codes_from_one_address(workers):
    tablet = workers.browser("tower.localhost", **{"X-Forwarded-For": f"198.51.100.{next(_addresses)}"})
    tablet.request("GET", "/kiosk/pair/")
    answers = workers.flood(lambda: tablet.copy().request("POST", "/kiosk/pair/", {"code": _wrong_code()}))
    assert _outcomes(answers, "This pairing code is wrong") == (PAIRING_ATTEMPTS[0], len(answers) - 10, 0)


def test_wrong_invitation_codes_from_one_kiosk(workers, world):
    tablet = _tablet(workers, world.seeded["kiosks"]["codes"]["token"])
    answers = workers.flood(lambda: tablet.copy().request("POST", "/kiosk/invitation/", {"code": _wrong_code()}))
    limit = DEVICE_CODE_FAILURES[0]
    assert _outcomes(answers, "We do not recognise this code") == (limit, len(answers) - limit, 0)


def test_one_code_tried_again_and_again(workers, world):
    tablet = _tablet(workers, world.seeded["kiosks"]["same-code"]["token"])
    code = _wrong_code()
    answers = workers.flood(lambda: tablet.copy().request("POST", "/kiosk/invitation/", {"code": code}))
    limit = CODE_ATTEMPTS[0]
    assert _outcomes(answers, "We do not recognise this code") == (limit, len(answers) - limit, 0)


def test_walk_ins_from_one_kiosk(workers, world):
    tablet = _tablet(workers, world.seeded["kiosks"]["walk-ins"]["token"])
    numbers = itertools.count()

    def walk_in() -> Answer:
        visitor = tablet.copy()
        chosen = visitor.request("POST", "/kiosk/walk-in/", {"company": str(world.seeded["companies"]["globex"])})
        assert chosen.location == "/kiosk/walk-in/details/", chosen
        number = next(numbers)
        return visitor.request("POST", "/kiosk/walk-in/details/", {
            "first_name": "Walk", "last_name": f"In {number}", "visitor_company": "",
            "email": f"walk-in-{number}@example.org", "phone": "", "accept_notice": "on",
        })  # fmt: skip

    answers = workers.flood(walk_in, at_once=16, at_least=DEVICE_CHECK_INS[0] + 10)
    stored = sum(answer.location == "/kiosk/done/" for _, answer in answers)
    refused = sum(TOO_MANY in answer.body for _, answer in answers)
    assert (stored, refused) == (DEVICE_CHECK_INS[0], len(answers) - DEVICE_CHECK_INS[0])


def test_wrong_passwords_for_one_account(workers, settings):
    browser = workers.browser("acme.localhost", **{"X-Forwarded-For": f"198.51.100.{next(_addresses)}"})
    browser.request("GET", "/accounts/login/")

    def attempt() -> Answer:
        return browser.copy().request("POST", "/accounts/login/", {"username": "member2@acme.example",
                                                                    "password": "not-" + DEMO_PASSWORD})  # fmt: skip

    answers = workers.flood(attempt)
    checked = sum(answer.status == 200 for _, answer in answers)
    locked = sum(answer.status == 429 for _, answer in answers)
    limit = settings.CHECKIN_LOGIN_ACCOUNT_FAILURES
    assert (checked, locked) == (limit, len(answers) - limit)
    # The right password too is refused now, on every worker.
    right = workers.flood(lambda: browser.copy().request("POST", "/accounts/login/", {
        "username": "member2@acme.example", "password": DEMO_PASSWORD}))  # fmt: skip
    assert {answer.status for _, answer in right} == {429}
