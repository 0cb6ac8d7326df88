"""Redis (the Celery broker) stops, fills up or freezes: /readyz says so (within two seconds), and says ready
again once it is back; /healthz answers 200 throughout."""

import time

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
    assert response.json() == {
        "status": "unavailable",
        "database": True,
        "redis": False,
        "redis_problem": "unreachable",
    }
    assert probe.get("/healthz").status_code == 200  # alive, only not ready: no restart of the pod

    own_redis.start()
    response = probe.get("/readyz")
    assert response.status_code == 200
    assert response.json()["redis"] is True


def test_pages_that_need_no_broker_keep_working_while_it_is_down(probe, own_redis):
    own_redis.stop()
    assert probe.get("/accounts/login/").status_code == 200


def test_readyz_says_when_redis_is_full_and_healthz_does_not_care(probe, own_redis):
    own_redis.fill()
    response = probe.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": True, "redis": False, "redis_problem": "full"}
    assert probe.get("/healthz").status_code == 200

    own_redis.empty()
    assert probe.get("/readyz").status_code == 200


@pytest.mark.alone  # a wall-clock limit, which another worker's test on the same cores could make late
def test_readyz_answers_within_two_seconds_while_redis_is_frozen(probe, own_redis):
    own_redis.freeze()
    try:
        started = time.monotonic()
        response = probe.get("/readyz")
        assert time.monotonic() - started < 2.5  # a 1 s timeout, and the answer
        assert response.json()["redis_problem"] == "unreachable"
        assert probe.get("/healthz").status_code == 200
    finally:
        own_redis.thaw()
