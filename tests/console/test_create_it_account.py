"""`manage.py create_it_account`: the first IT account of an installation, without a shell."""

import getpass
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import schema_context

from shared_apps.accounts.models import TwoFactorDevice, User
from shared_apps.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
GOOD = "a long and unusual passphrase 42"


def _create(*args: str) -> str:
    out = io.StringIO()
    call_command("create_it_account", *args, stdout=out)
    return out.getvalue()


def test_it_creates_an_it_account_that_must_set_up_its_second_factor_at_first_sign_in(tmp_path, client_for):
    secret = tmp_path / "password"
    secret.write_text(GOOD + "\n")
    out = _create("Olga.Ops@Example.org", "--name", "Olga Ops", "--password-file", str(secret))
    assert "Created IT account olga.ops@example.org" in out
    with schema_context("public"):
        user = User.objects.get(email="olga.ops@example.org")
        assert (user.role, user.is_staff, user.full_name) == (User.Role.IT, True, "Olga Ops")
        assert user.check_password(GOOD)
        assert not TwoFactorDevice.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="it_account.create", object_ids__user=[user.pk]).exists()
    response = client_for("localhost").post("/accounts/login/", {"username": "olga.ops@example.org", "password": GOOD})
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/setup/"


def test_without_input_the_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CHECKIN_IT_PASSWORD", GOOD)
    _create("second@example.org", "--name", "Second", "--no-input")
    with schema_context("public"):
        assert User.objects.get(email="second@example.org").check_password(GOOD)


def test_without_input_and_without_the_variable_it_says_what_to_set(monkeypatch):
    monkeypatch.delenv("CHECKIN_IT_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="--no-input: set CHECKIN_IT_PASSWORD or give --password-file"):
        _create("third@example.org", "--name", "Third", "--no-input")


def test_it_asks_twice_and_refuses_two_different_answers(monkeypatch):
    answers = iter([GOOD, GOOD + "!"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="The two passwords differ"):
        _create("fourth@example.org", "--name", "Fourth")
    answers = iter([GOOD, GOOD])
    _create("fourth@example.org", "--name", "Fourth")
    with schema_context("public"):
        assert User.objects.filter(email="fourth@example.org", role=User.Role.IT).exists()


def test_a_weak_password_an_existing_address_or_a_bad_one_is_refused_and_nothing_is_created(monkeypatch):
    monkeypatch.setenv("CHECKIN_IT_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        _create("weak@example.org", "--name", "Weak", "--no-input")
    monkeypatch.setenv("CHECKIN_IT_PASSWORD", GOOD)
    with pytest.raises(CommandError, match="exists already"):
        _create("it@checkin.example", "--name", "Again", "--no-input")
    with pytest.raises(CommandError, match="valid email"):
        _create("not-an-address", "--name", "Nobody", "--no-input")
    with schema_context("public"):
        assert not User.objects.filter(email__in=["weak@example.org", "not-an-address"]).exists()
