"""The Check-in Django project: settings, URLconfs per tenant type, Celery app."""

from checkin.celery import app as celery_app

__all__ = ["celery_app"]
