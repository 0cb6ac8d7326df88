"""Periodic work of the kiosk, run by Celery beat (see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from tenant_apps.kiosk.autocheckout import auto_checkout_run


@shared_task
def kiosk_auto_checkout() -> dict[str, int]:
    """Every few minutes: each building whose auto check-out time has passed closes its forgotten visits."""
    return auto_checkout_run()
