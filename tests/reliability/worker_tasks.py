"""A task for the reliability tests' workers (loaded with -I): it takes its time, so a test can act meanwhile."""

import time

from checkin.celery import app


@app.task
def pause(seconds: float) -> None:
    time.sleep(seconds)
