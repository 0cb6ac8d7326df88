"""Background jobs of the shared counters (they run in the public schema)."""

from celery import shared_task

from shared_apps.login_throttle.counters import rate_counters_prune


@shared_task(name="login_throttle.rate_counters_prune")
def rate_counters_prune_task() -> int:
    """Hourly: delete the counts of windows that are over (public.rate_counter)."""
    return rate_counters_prune()
