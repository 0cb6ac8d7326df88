"""Periodic work of the kiosk, run by Celery beat (see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from tenant_apps.kiosk.autocheckout import auto_checkout_run
from tenant_apps.kiosk.block_list import block_list_purge_all


@shared_task
def kiosk_auto_checkout() -> dict[str, int]:
    """Every few minutes: each building whose auto check-out time has passed closes its forgotten visits."""
    return auto_checkout_run()


@shared_task(name="kiosk.block_list_purge_all")
def block_list_purge_nightly() -> dict[str, int]:
    """Nightly: every building deletes its expired block-list entries (personal data with its own retention)."""
    return block_list_purge_all()
