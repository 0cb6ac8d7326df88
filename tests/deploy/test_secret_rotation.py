"""Rotating SECRET_KEY: the previous key in SECRET_KEY_FALLBACKS keeps sessions and links valid."""

import subprocess
import sys

from django.contrib.auth.tokens import default_token_generator
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from tests.deploy.processes import LONG_SECRET_KEY, ROOT, production_env

OLD_KEY = "old-production-key-" + "o" * 50
NEW_KEY = "new-production-key-" + "n" * 50


def _production_settings(**env: str) -> subprocess.CompletedProcess[str]:
    code = "from django.conf import settings; settings.SECRET_KEY; print(settings.SECRET_KEY_FALLBACKS)"
    environment = production_env(database_url="postgresql://checkin@127.0.0.1:5432/checkin")
    environment.update(env)
    return subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                          env=environment, cwd=ROOT, capture_output=True, text=True)  # fmt: skip


def test_the_fallbacks_come_from_the_environment():
    result = _production_settings(SECRET_KEY_FALLBACKS=f"{OLD_KEY},{LONG_SECRET_KEY}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([OLD_KEY, LONG_SECRET_KEY])


def test_production_refuses_a_short_or_development_fallback():
    for fallback in ("short", "django-insecure-development-only-never-use-in-production"):
        result = _production_settings(SECRET_KEY_FALLBACKS=fallback)
        assert result.returncode != 0
        assert "SECRET_KEY_FALLBACKS holds a key shorter than 50 characters" in result.stderr


def test_a_session_signed_with_the_previous_key_survives_the_rotation(client_for, settings):
    settings.SECRET_KEY = OLD_KEY
    active = client_for("acme.localhost").sign_in("member@acme.example")
    away = client_for("acme.localhost").sign_in("member@acme.example")

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert active.get("/").status_code == 200  # and its session is re-signed with the new key

    settings.SECRET_KEY_FALLBACKS = []  # the old key retired
    assert active.get("/").status_code == 200
    assert away.get("/").status_code == 302  # not seen during the rotation window: signed out


def test_a_reset_link_made_with_the_previous_key_stays_valid_until_the_key_is_retired(acme, settings):
    with tenant_context(acme):
        user = User.objects.get(email="member@acme.example")
        settings.SECRET_KEY = OLD_KEY
        token = default_token_generator.make_token(user)
        settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
        assert default_token_generator.check_token(user, token)
        settings.SECRET_KEY_FALLBACKS = []
        assert not default_token_generator.check_token(user, token)
