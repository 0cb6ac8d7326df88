"""Settings of the Celery workers the reliability tests start: e-mails to files, beat for the sweeps only,
a broker connection that gives up on a silent Redis sooner.

The sweeps run every CHECKIN_TEST_SWEEP_SECONDS (a few seconds) instead of every minute, so a test
sees in seconds what production does in minutes; the other beat tasks would only slow the test's worker.
"""

import os

from checkin.settings import *  # noqa: F403
from checkin.settings import CELERY_BEAT_SCHEDULE as PRODUCTION_SCHEDULE

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["CHECKIN_TEST_OUTBOX"]

_SWEEP_SECONDS = float(os.environ.get("CHECKIN_TEST_SWEEP_SECONDS", "2"))
CELERY_BEAT_SCHEDULE = {
    name: {**entry, "schedule": _SWEEP_SECONDS}
    for name, entry in PRODUCTION_SCHEDULE.items()
    if name in {"notifications-outbox", "privacy-resume"}
}

# A frozen Redis (SIGSTOP) is noticed after seconds rather than after production's half minute: the worker takes
# the same path (connection lost, reconnect), and the test that freezes Redis longer than this stays short.
CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "socket_timeout": 5, "health_check_interval": 2}  # noqa: F405
