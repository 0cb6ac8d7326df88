import pytest

from shared_apps.accounts.models import User
from shared_apps.api_tokens.models import ApiToken
from shared_apps.console.services import api_token_create


@pytest.fixture
def it_user(db: None) -> User:
    return User.objects.get(email="it@checkin.example")


@pytest.fixture
def api_secret(it_user: User) -> str:
    _token, secret = api_token_create(user=it_user, name="tests")
    return secret


@pytest.fixture
def api(client_for, api_secret):
    """A client of the root host that sends an IT token."""
    client = client_for("localhost")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_secret}"
    return client


@pytest.fixture
def public_member(client_for, db: None):
    """A signed-in user of the public schema who is not IT."""
    User.objects.create_user("ops@checkin.example", "checkin-demo-2026", full_name="Ops", role=User.Role.MEMBER,
                             is_staff=True)  # fmt: skip
    return client_for("localhost").sign_in("ops@checkin.example")


__all__ = ["ApiToken"]
