"""Failed sign-ins are counted once for the whole platform (public.login_throttle): per e-mail address and per
client address, whichever host they were tried on, and the lockout never tells whether an account exists."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory, override_settings

from shared_apps.audit.services import client_ip
from shared_apps.login_throttle.keys import Limit
from shared_apps.login_throttle.services import Counter, counter_after_failure, login_attempt_begin
from tests.conftest import PASSWORD
from tests.two_factor import code_for

LOCKED = "Too many failed attempts to sign in. Wait 15 minutes, then try again."
NO_MATCH = "do not match an active account"
WRONG = "not-the-password"


def _try(client, email: str, password: str = WRONG, **extra):
    return client.post("/accounts/login/", {"username": email, "password": password}, **extra)


def _fail(client, email: str, times: int, **extra) -> None:
    for _ in range(times):
        response = _try(client, email, **extra)
        assert response.status_code == 200 and NO_MATCH in response.content.decode()


def _locked(response) -> bool:
    return response.status_code == 429 and LOCKED in response.content.decode()


def _rows() -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, failures FROM public.login_throttle ORDER BY key")
        return cursor.fetchall()


def test_five_failures_on_acme_lock_that_e_mail_on_globex_and_on_the_root_host_too(client_for):
    _fail(client_for("acme.localhost"), "admin@acme.example", 5)
    assert _locked(_try(client_for("acme.localhost"), "admin@acme.example", PASSWORD))  # even the right password
    assert _locked(_try(client_for("globex.localhost"), "admin@acme.example"))
    assert _locked(_try(client_for("localhost"), "Admin@Acme.example "))
    # Another address from the same client is not locked: the client's own limit is higher.
    client_for("globex.localhost").sign_in("admin@globex.example")


def test_the_count_does_not_live_in_the_cache(client_for):
    _fail(client_for("acme.localhost"), "admin@acme.example", 5)
    cache.clear()  # the per-schema cache, or Redis, may be emptied or down: the count stays
    assert _locked(_try(client_for("acme.localhost"), "admin@acme.example", PASSWORD))


def _page(response, email: str) -> str:
    """The page without what differs between any two requests: the CSRF token and the address typed."""
    html = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_an_account_that_does_not_exist_fails_and_locks_exactly_like_one_that_does(client_for):
    answers = {}
    for email in ("admin@acme.example", "nobody@acme.example"):
        client = client_for("acme.localhost")
        failures = [_try(client, email) for _ in range(5)]
        locked = _try(client, email, PASSWORD)
        answers[email] = [(r.status_code, _page(r, email)) for r in (failures[0], failures[-1], locked)]
    assert answers["admin@acme.example"] == answers["nobody@acme.example"]
    assert answers["nobody@acme.example"][-1][0] == 429


def test_a_successful_sign_in_clears_the_account_count(client_for):
    client = client_for("acme.localhost")
    _fail(client, "admin@acme.example", 4)
    client.sign_in("admin@acme.example")
    _fail(client_for("acme.localhost"), "admin@acme.example", 4)
    client_for("acme.localhost").sign_in("admin@acme.example")  # 4 + 4 failures, but never 5 in a row


@override_settings(CHECKIN_LOGIN_IP_FAILURES=8)
def test_one_client_address_is_locked_after_more_failures_whatever_the_e_mail(client_for):
    attacker = {"REMOTE_ADDR": "198.51.100.7"}
    for number in range(8):
        _fail(client_for(["acme.localhost", "globex.localhost", "localhost"][number % 3]), f"guess{number}@x.example",
              1, **attacker)  # fmt: skip
    assert _locked(_try(client_for("globex.localhost"), "admin@globex.example", PASSWORD, **attacker))
    client_for("globex.localhost").sign_in("admin@globex.example")  # from another address: fine


def test_the_lock_ends_after_the_lockout_and_old_rows_are_deleted(client_for):
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        _fail(client_for("acme.localhost"), "admin@acme.example", 5)
        clock.shift(dt.timedelta(minutes=14))
        assert _locked(_try(client_for("acme.localhost"), "admin@acme.example", PASSWORD))
        clock.shift(dt.timedelta(minutes=2))
        client_for("acme.localhost").sign_in("admin@acme.example")
        assert len(_rows()) == 1  # the client address's count is kept; the account's was cleared by the sign-in
        clock.shift(dt.timedelta(minutes=20))
        login_attempt_begin(email="someone@else.example", ip="203.0.113.5")  # any attempt prunes what expired
    assert sorted(failures for _, failures in _rows()) == [1, 1]


def test_the_table_holds_no_e_mail_or_address_in_clear(client_for):
    _fail(client_for("acme.localhost"), "admin@acme.example", 1, REMOTE_ADDR="198.51.100.7")
    keys = " ".join(key for key, _ in _rows())
    assert "acme" not in keys and "@" not in keys and "198.51" not in keys


def test_a_new_window_starts_when_the_last_one_is_over():
    limit = Limit(failures=3, window=dt.timedelta(minutes=15), lockout=dt.timedelta(minutes=15))
    start = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
    counter = Counter(failures=2, window_started=start, locked_until=None)
    assert counter_after_failure(counter, now=start + dt.timedelta(minutes=14), limit=limit).locked_until == (
        start + dt.timedelta(minutes=29)
    )
    fresh = counter_after_failure(counter, now=start + dt.timedelta(minutes=15), limit=limit)
    assert (fresh.failures, fresh.window_started, fresh.locked_until) == (1, start + dt.timedelta(minutes=15), None)


def test_wrong_second_factor_codes_count_and_a_right_password_does_not_clear_them(client_for):
    client = client_for("localhost")
    assert _try(client, "it@checkin.example", PASSWORD)["Location"] == "/accounts/two-factor/"
    for _ in range(4):
        assert client.post("/accounts/two-factor/", {"code": "000000"}).status_code == 200
    # The fifth wrong code locks the account; its right password is no help now, nor is the right code.
    assert client.post("/accounts/two-factor/", {"code": "000000"})["Location"] == "/accounts/login/"
    assert _locked(_try(client, "it@checkin.example", PASSWORD))
    other = client_for("localhost")
    assert _locked(_try(other, "it@checkin.example", PASSWORD))


def test_the_code_step_is_refused_while_the_account_is_locked(client_for):
    client = client_for("localhost")
    assert _try(client, "it@checkin.example", PASSWORD)["Location"] == "/accounts/two-factor/"
    _fail(client_for("acme.localhost"), "it@checkin.example", 5)  # meanwhile, someone else guesses elsewhere
    response = client.post("/accounts/two-factor/", {"code": code_for("public", "it@checkin.example")})
    assert _locked(response)


def test_the_django_admin_has_no_sign_in_of_its_own(client_for):
    client = client_for("localhost")
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/accounts/login/?next=/admin/"
    client.post("/admin/login/", {"username": "it@checkin.example", "password": PASSWORD})
    assert client.get("/admin/").status_code == 302  # not signed in


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.9", "", "203.0.113.9"),  # no proxy
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # a client's own header is ignored
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),  # through the proxy
        ("127.0.0.1", "10.9.9.9, 198.51.100.1", "198.51.100.1"),  # what the client wrote on the left is ignored
        ("127.0.0.1", "198.51.100.1, 127.0.0.2", "198.51.100.1"),  # two trusted proxies
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
    ],
)
def test_the_client_address_is_read_from_the_proxy_header_only_behind_a_trusted_proxy(remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@override_settings(CHECKIN_LOGIN_IP_FAILURES=3)
def test_a_forged_forwarded_header_does_not_escape_the_address_limit(client_for):
    for number in range(3):
        _fail(client_for("acme.localhost"), f"guess{number}@x.example", 1,
              REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")  # fmt: skip
    assert _locked(_try(client_for("acme.localhost"), "x@x.example", REMOTE_ADDR="198.51.100.7"))


def _views(patterns: list) -> list:
    from django.urls import URLPattern, URLResolver

    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            found.append(pattern.callback)
    return found


def test_no_api_view_takes_a_password():
    """HTTP Basic would let a password past the throttle and the second factor."""
    from django.urls import get_resolver
    from rest_framework.authentication import BasicAuthentication
    from rest_framework.settings import api_settings

    assert BasicAuthentication not in api_settings.DEFAULT_AUTHENTICATION_CLASSES  # for views to come
    checked = 0
    for urlconf in ("checkin.urls_public", "checkin.urls_reception", "checkin.urls_company"):
        for view in _views(get_resolver(urlconf).url_patterns):
            view = getattr(view, "__wrapped__", view)
            cls = getattr(view, "cls", None)
            if cls is None:
                continue
            classes = getattr(view, "initkwargs", {}).get("authentication_classes", cls.authentication_classes)
            assert BasicAuthentication not in classes, view
            checked += 1
    assert checked >= 5


def test_an_unknown_e_mail_costs_a_password_hash_like_a_known_one(client_for):
    """So that the time of the answer does not tell either."""
    from unittest import mock

    from django.contrib.auth.hashers import Argon2PasswordHasher

    def counted(name: str):
        return mock.patch.object(
            Argon2PasswordHasher, name, autospec=True, side_effect=getattr(Argon2PasswordHasher, name)
        )

    calls = {}
    for email in ("admin@acme.example", "nobody@acme.example"):
        with counted("encode") as encode, counted("verify") as verify:
            _try(client_for("acme.localhost"), email)
        calls[email] = encode.call_count + verify.call_count
    assert calls == {"admin@acme.example": 1, "nobody@acme.example": 1}
