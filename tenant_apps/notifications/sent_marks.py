"""A mark in Redis, written the moment a message has left, for the case where the database cannot yet record it.

`sent` is recorded in the database after the send; with the database away for longer than a worker waits
(or a claim taken over meanwhile by the outbox sweep), the next try would send the message a second time.
The mark lives outside the database, so a try that finds it records `sent` instead of sending again. Redis
unreachable as well: the mark is skipped (logged) and the idempotency key is what is left to the receiver.
"""

import logging

import redis
from django.conf import settings

from shared_apps.operations.redis_config import redis_client

logger = logging.getLogger(__name__)

MARK_SECONDS = 7 * 24 * 3600  # beyond every retry and sweep of a delivery
_TIMEOUT_SECONDS = 2.0  # a frozen Redis must not hold the worker long


def _client() -> redis.Redis:
    return redis_client(timeout=_TIMEOUT_SECONDS)


def _key(idempotency_key: str) -> str:
    return f"checkin:delivery-sent:{idempotency_key}"


def sent_mark(idempotency_key: str) -> None:
    if not settings.REDIS_URL:  # no broker: tasks run in-process, the record follows at once
        return
    try:
        _client().set(_key(idempotency_key), "1", ex=MARK_SECONDS)
    except redis.RedisError as error:
        logger.warning("delivery %s: the sent mark could not be written: %s", idempotency_key, error)


def sent_marked(idempotency_key: str) -> bool:
    if not settings.REDIS_URL:
        return False
    try:
        return bool(_client().exists(_key(idempotency_key)))
    except redis.RedisError as error:
        logger.warning("delivery %s: the sent mark could not be read: %s", idempotency_key, error)
        return False
