"""/healthz and /readyz answer on every host, before tenant routing."""

import pytest
from django.conf import settings

HOSTS = ["localhost", "tower.localhost", "acme.localhost", "unknown.localhost"]


@pytest.mark.parametrize("host", HOSTS)
def test_healthz_answers_on_every_host(client_for, host):
    response = client_for(host).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("host", HOSTS)
def test_readyz_checks_the_database_and_redis_when_configured(client_for, host):
    response = client_for(host).get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] is True
    if settings.REDIS_URL:
        assert body["redis"] is True


def test_readyz_is_503_when_redis_does_not_answer(client_for, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client_for("acme.localhost").get("/readyz")
    assert response.status_code == 503
    assert response.json()["redis"] is False
