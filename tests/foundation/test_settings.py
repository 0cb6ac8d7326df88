"""Settings come from the environment; production refuses development defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from checkin.env import env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]


def _import_production_settings(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY", "SENTRY_DSN"}}
    environment.setdefault("DATABASE_URL", "postgresql://checkin@127.0.0.1:5432/checkin")
    environment.setdefault("CHECKIN_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    environment.update(PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}", **env)
    return subprocess.run(
        [sys.executable, "-c", "import checkin.settings_production"],
        env=environment, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip


def test_production_refuses_the_default_secret_key():
    result = _import_production_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is unset" in result.stderr


def test_production_refuses_debug():
    result = _import_production_settings(DEBUG="1", SECRET_KEY="x" * 64)
    assert result.returncode != 0
    assert "DEBUG is on in production settings" in result.stderr


def test_production_starts_with_a_real_secret_and_debug_off(tmp_path):
    result = _import_production_settings(
        SECRET_KEY="k" * 64, EMAIL_URL="smtp://relay.example", CHECKIN_SUPPRESSION_KEY="s" * 40,
        CHECKIN_EXPORT_ROOT=str(tmp_path), MEDIA_ROOT=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_an_encryption_key():
    result = _import_production_settings(SECRET_KEY="k" * 64, CHECKIN_ENCRYPTION_KEYS="")
    assert result.returncode != 0
    assert "CHECKIN_ENCRYPTION_KEYS is unset" in result.stderr


def test_an_encryption_key_that_is_not_a_fernet_key_is_refused_by_position():
    keys = f"{Fernet.generate_key().decode()},nope"
    result = _import_production_settings(SECRET_KEY="k" * 64, CHECKIN_ENCRYPTION_KEYS=keys)
    assert result.returncode != 0
    assert "CHECKIN_ENCRYPTION_KEYS: key 2 is not a Fernet key" in result.stderr


def test_a_boolean_variable_with_a_typo_fails_loudly(monkeypatch):
    monkeypatch.setenv("DEBUG", "ture")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='ture' is not a boolean"):
        env_bool("DEBUG", False)
    monkeypatch.setenv("CONN_MAX_AGE", "sixty")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("CONN_MAX_AGE", 60)


def test_allowed_hosts_follow_the_root_domain(settings):
    assert settings.ALLOWED_HOSTS[:2] == [settings.CHECKIN_ROOT_DOMAIN, f".{settings.CHECKIN_ROOT_DOMAIN}"]


def test_the_standard_library_platform_module_is_not_shadowed():
    check = "import platform, sysconfig; platform.python_version(); print(platform.__file__)"
    for cwd in [ROOT, ROOT / "platform"]:
        result = subprocess.run(
            [sys.executable, "-c", check], cwd=cwd, capture_output=True, text=True,
            env={**os.environ, "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}"},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert Path(result.stdout.strip()).parent == Path(__import__("sysconfig").get_paths()["stdlib"])
    assert not (ROOT / "platform" / "__init__.py").exists()
