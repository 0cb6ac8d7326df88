"""Redis (the Celery broker) stops: /readyz says so, and says ready again once it is back."""

import pytest


@pytest.fixture
def probe(client_for, settings, own_redis):
    settings.REDIS_URL = own_redis.url
    return client_for("acme.localhost")


def test_readyz_follows_the_broker_down_and_back(probe, own_redis):
    assert probe.get("/readyz").json() == {"status": "ok", "database": True, "redis": True}

    own_redis.stop()
    response = probe.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": True, "redis": False}
    assert probe.get("/healthz").status_code == 200  # alive, only not ready: no restart of the pod

    own_redis.start()
    response = probe.get("/readyz")
    assert response.status_code == 200
    assert response.json()["redis"] is True


def test_pages_that_need_no_broker_keep_working_while_it_is_down(probe, own_redis):
    own_redis.stop()
    assert probe.get("/accounts/login/").status_code == 200
