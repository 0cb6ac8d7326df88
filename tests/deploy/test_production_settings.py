"""Production settings load complete or refuse to, with one line saying what to set (subprocesses, as a container)."""

import json
import subprocess
import sys

import pytest

from tests.deploy.processes import ROOT, production_env

_REPORT = """
import json, sys
from django.core.exceptions import ImproperlyConfigured
try:
    import django
    django.setup()
except ImproperlyConfigured as error:
    print(json.dumps({"refused": str(error), "embedded": "checkin.embedded_db" in sys.modules}))
    sys.exit(3)
from django.conf import settings
print(json.dumps({
    "embedded": "checkin.embedded_db" in sys.modules,
    "scheme": settings.CHECKIN_PUBLIC_SCHEME, "port": settings.CHECKIN_PUBLIC_PORT,
    "sentry": settings.SENTRY_ENVIRONMENT, "release": settings.SENTRY_RELEASE,
    "mail": [settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER,
             settings.EMAIL_HOST_PASSWORD, settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL],
    "exports": settings.STORAGES["exports"]["BACKEND"],
    "media": settings.STORAGES["default"]["BACKEND"],
}))
"""


def _load(*, drop: tuple[str, ...] = (), **env: str) -> tuple[int, dict]:
    environment = production_env(database_url="postgresql://checkin@127.0.0.1:5432/checkin")
    for name in ("EMAIL_URL", "EMAIL_HOST", "SENTRY_ENVIRONMENT", "SENTRY_RELEASE", "CHECKIN_VERSION",
                 "CHECKIN_PUBLIC_SCHEME", "CHECKIN_PUBLIC_PORT", "CHECKIN_EXPORT_STORAGE", *drop):  # fmt: skip
        environment.pop(name, None)
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", _REPORT], env=environment, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode in (0, 3), result.stderr
    return result.returncode, json.loads(result.stdout.strip().splitlines()[-1])


def _refusal(**kwargs) -> str:
    code, report = _load(**kwargs)
    assert code == 3, report
    assert "\n" not in report["refused"]  # one line
    return report["refused"]


def test_without_database_url_it_refuses_before_the_embedded_postgresql_is_even_imported():
    code, report = _load(drop=("DATABASE_URL",))
    assert code == 3
    assert report["refused"].startswith("DATABASE_URL is unset: set it to")
    assert report["embedded"] is False


def test_a_complete_environment_gives_https_links_without_a_port_and_a_production_sentry():
    code, report = _load(SENTRY_RELEASE="checkin@1.2.3")
    assert code == 0, report
    assert (report["scheme"], report["port"]) == ("https", "")
    assert (report["sentry"], report["release"]) == ("production", "checkin@1.2.3")
    assert report["embedded"] is False


def test_the_release_may_come_from_the_image_version():
    assert _load(CHECKIN_VERSION="0.4.0")[1]["release"] == "0.4.0"


def test_email_url_configures_smtp():
    report = _load(drop=("EMAIL_BACKEND",), EMAIL_URL="smtp://mailer:p%40ss@relay.example:2525?tls=1")[1]
    assert report["mail"] == [
        "django.core.mail.backends.smtp.EmailBackend", "relay.example", 2525, "mailer", "p@ss", True, False,
    ]  # fmt: skip


def test_the_separate_email_variables_configure_smtp():
    report = _load(drop=("EMAIL_BACKEND",), EMAIL_HOST="relay.example", EMAIL_USE_SSL="1", EMAIL_HOST_USER="u",
                   EMAIL_HOST_PASSWORD="secret")[1]  # fmt: skip
    assert report["mail"] == ["django.core.mail.backends.smtp.EmailBackend", "relay.example", 465, "u", "secret",
                              False, True]  # fmt: skip


@pytest.mark.parametrize("backend", ["console", "locmem"])
def test_an_email_backend_that_delivers_nothing_is_refused(backend):
    refused = _refusal(EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend", EMAIL_URL="smtp://relay")
    assert f"EMAIL_BACKEND=django.core.mail.backends.{backend}.EmailBackend" in refused
    assert "set EMAIL_URL" in refused


def test_no_mail_relay_is_refused():
    assert _refusal(drop=("EMAIL_BACKEND",)).startswith("No mail relay: set EMAIL_URL")


def test_a_malformed_email_url_is_refused():
    assert "EMAIL_URL must start with smtp:// or smtps://" in _refusal(drop=("EMAIL_BACKEND",), EMAIL_URL="http://x")


def test_a_missing_suppression_key_is_refused():
    assert _refusal(drop=("CHECKIN_SUPPRESSION_KEY",)).startswith("CHECKIN_SUPPRESSION_KEY is unset")


def test_an_export_root_that_other_processes_cannot_share_is_refused(tmp_path):
    assert "must be an absolute path" in _refusal(drop=("CHECKIN_EXPORT_ROOT",))
    assert "must be an absolute path" in _refusal(CHECKIN_EXPORT_ROOT="exports")
    inside = ROOT / ".data" / "exports"
    assert "inside the installed application" in _refusal(CHECKIN_EXPORT_ROOT=str(inside))
    assert "not a folder this process can write" in _refusal(CHECKIN_EXPORT_ROOT=str(tmp_path / "missing"))
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    assert "not a folder this process can write" in _refusal(CHECKIN_EXPORT_ROOT=str(a_file))


def test_a_media_root_that_other_processes_cannot_share_is_refused(tmp_path):
    assert _refusal(drop=("MEDIA_ROOT",)).startswith("MEDIA_ROOT must be an absolute path on a volume")
    assert "inside the installed application" in _refusal(MEDIA_ROOT=str(ROOT / ".data" / "media"))
    assert "not a folder this process can write" in _refusal(MEDIA_ROOT=str(tmp_path / "missing"))


def test_s3_media_need_a_bucket():
    assert _refusal(CHECKIN_MEDIA_STORAGE="s3").startswith("CHECKIN_MEDIA_STORAGE=s3 needs CHECKIN_MEDIA_S3_BUCKET")
    code, report = _load(CHECKIN_MEDIA_STORAGE="s3", CHECKIN_MEDIA_S3_BUCKET="media", drop=("MEDIA_ROOT",))
    assert code == 0 and report["media"] == "storages.backends.s3.S3Storage"


def test_s3_exports_need_a_bucket():
    assert _refusal(CHECKIN_EXPORT_STORAGE="s3").startswith("CHECKIN_EXPORT_STORAGE=s3 needs CHECKIN_EXPORT_S3_BUCKET")
    code, report = _load(CHECKIN_EXPORT_STORAGE="s3", CHECKIN_EXPORT_S3_BUCKET="exports")
    assert code == 0 and report["exports"] == "storages.backends.s3.S3Storage"


def test_a_plain_http_public_scheme_is_possible_but_a_bad_one_is_refused():
    assert _load(CHECKIN_PUBLIC_SCHEME="http", CHECKIN_PUBLIC_PORT="8080")[1]["scheme"] == "http"
    assert "CHECKIN_PUBLIC_SCHEME='ftp'" in _refusal(CHECKIN_PUBLIC_SCHEME="ftp")
    assert "CHECKIN_PUBLIC_PORT='eighty'" in _refusal(CHECKIN_PUBLIC_PORT="eighty")


def test_sentry_is_initialised_with_the_production_environment_and_the_release():
    environment = production_env(database_url="postgresql://checkin@127.0.0.1:5432/checkin")
    environment.update(SENTRY_DSN="https://key@o1.ingest.de.sentry.io/2", CHECKIN_VERSION="0.9.1")
    code = (
        "import django, sentry_sdk; django.setup(); client = sentry_sdk.get_client(); options = client.options; "
        "print(client.is_active(), options['environment'], options['release'], options['send_default_pii'])"
    )
    result = subprocess.run([sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "production", "0.9.1", "False"]
