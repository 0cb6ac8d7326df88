"""Load in advance what Django otherwise loads on a worker's first requests.

gunicorn imports the application once in its master process (`preload_app`) and
forks the workers from it, so with this done there, a new or recycled worker
(`max_requests`) serves its first request as fast as its thousandth instead of
spending a second of CPU importing views, template tag libraries and
translation catalogs, nor its first arrival some tens of milliseconds sending a
task (the task modules, the e-mail and calendar libraries they import, the
broker's transport and the result backend's class, found by scanning the
installed packages). Nothing here touches the database or the broker.
"""

import importlib.util
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.template import engines
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> None:
    for config in settings.TENANT_TYPES.values():
        get_resolver(str(config["URLCONF"])).url_patterns  # noqa: B018 - imports every view of that kind of host
    engines.all()  # each engine finds every template tag library when it is made
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Check-in")
    _celery_warm_up()
    # The workers must not share a connection that an import might have opened here.
    connections.close_all()


def _celery_warm_up() -> None:
    """Import what sending the first task would: classes and modules only, no connection is made."""
    from celery.app import backends
    from kombu import Connection
    from kombu.transport import resolve_transport
    from kombu.utils.imports import symbol_by_name

    from checkin.celery import app

    for config in apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.tasks") is not None:
            import_module(f"{config.name}.tasks")
    app.tasks  # noqa: B018 - the registry: finalizes the app (autodiscovery) on first use
    app.amqp  # noqa: B018 - the message protocol, made on first use
    if app.conf.result_backend:
        backends.by_url(app.conf.result_backend, app.loader)
    transport = resolve_transport(Connection(app.conf.broker_url).transport_cls)
    if transport:
        symbol_by_name(transport)
