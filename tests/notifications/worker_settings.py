"""Settings of the Celery worker that the notification tests start: e-mails go to files the test reads."""

import os

from checkin.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["CHECKIN_TEST_OUTBOX"]
