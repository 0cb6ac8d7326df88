"""Periodic work of the kiosk, run by Celery beat (see CELERY_BEAT_SCHEDULE)."""

from checkin.celery import app
from tenant_apps.kiosk.autocheckout import auto_checkout_run


@app.task
def kiosk_auto_checkout() -> dict[str, int]:
    """Every few minutes: each building whose auto check-out time has passed closes its forgotten visits."""
    return auto_checkout_run()
