"""The web process, started exactly as the container starts it, answers a company host securely."""

import http.cookiejar
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.deploy.processes import ROOT, current_test_database_url, production_env

PASSWORD = "checkin-demo-2026"
pytestmark = pytest.mark.django_db


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _opener(jar: http.cookiejar.CookieJar) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirect, urllib.request.HTTPCookieProcessor(jar))


def _get(opener, url: str, **headers: str):
    request = urllib.request.Request(url, headers={"Host": "acme.localhost", **headers})  # noqa: S310
    try:
        return opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error


def test_it_answers_a_company_host_with_the_security_headers(production_server):
    response = _get(
        _opener(http.cookiejar.CookieJar()), f"{production_server}/accounts/login/", **{"X-Forwarded-Proto": "https"}
    )
    assert response.status == 200
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    csrf_cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("__Host-checkin_csrf="))
    attributes = [part.strip().lower() for part in csrf_cookie.split(";")]
    assert "secure" in attributes and "path=/" in attributes and "httponly" in attributes
    assert not any(part.startswith("domain=") for part in attributes)


def test_plain_http_is_redirected_to_https(production_server):
    response = _get(_opener(http.cookiejar.CookieJar()), f"{production_server}/accounts/login/")
    assert response.status == 301
    assert response.headers["Location"] == "https://acme.localhost/accounts/login/"


def test_signing_in_sets_a_host_only_secure_session_cookie(production_server):
    jar = http.cookiejar.CookieJar()
    opener = _opener(jar)
    https = {"X-Forwarded-Proto": "https"}
    login = _get(opener, f"{production_server}/accounts/login/", **https)
    token = next(c.split(";")[0].split("=", 1)[1] for c in login.headers.get_all("Set-Cookie") if "csrf" in c)
    body = urllib.parse.urlencode(
        {"username": "member@acme.example", "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{production_server}/accounts/login/",
        data=body,
        headers={
            "Host": "acme.localhost",
            "Origin": "https://acme.localhost",
            "Cookie": f"__Host-checkin_csrf={token}",
            **https,
        },
    )
    try:
        response = opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    assert response.status == 302, response.read()[:500]
    session_cookie = next(c for c in response.headers.get_all("Set-Cookie") if c.startswith("__Host-checkin_session="))
    attributes = [part.strip().lower() for part in session_cookie.split(";")]
    assert {"secure", "httponly", "path=/", "samesite=lax"} <= set(attributes)
    assert not any(part.startswith("domain=") for part in attributes)


def test_an_unknown_host_is_refused(production_server):
    opener = _opener(http.cookiejar.CookieJar())
    over_https = _get(opener, f"{production_server}/", Host="evil.example", **{"X-Forwarded-Proto": "https"})
    assert over_https.status == 404  # no schema is chosen for a host that is not in the Domain table
    plain = _get(opener, f"{production_server}/", Host="evil.example")
    assert plain.status == 400  # not in ALLOWED_HOSTS: not even redirected to HTTPS
    for response in (over_https, plain):
        assert response.headers.get_all("Set-Cookie") is None


def _check_deploy(database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "platform/manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(database_url=database_url), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_deploy_checks_pass_with_the_production_settings(web_login):
    result = _check_deploy(current_test_database_url(user=web_login))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deploy_checks_refuse_a_superuser_login():
    result = _check_deploy(current_test_database_url())  # the tests' own login, postgres: a superuser
    assert result.returncode != 0
    assert "checkin.E001" in result.stderr and "a PostgreSQL superuser: it can read every company" in result.stderr


def test_the_web_process_logs_in_as_a_role_that_owns_nothing_and_is_no_superuser(production_server, web_login):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolinherit, rolcreaterole FROM pg_roles WHERE rolname = %s", [web_login])
        assert cursor.fetchone() == (False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s", [web_login]
        )
        assert cursor.fetchone() == (0,)
    # ...and yet it serves a company's page, which reads that company's schema (the test above signs in).
    response = _get(_opener(http.cookiejar.CookieJar()), f"{production_server}/accounts/login/",
                    **{"X-Forwarded-Proto": "https"})  # fmt: skip
    assert response.status == 200
