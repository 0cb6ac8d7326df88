"""Load in advance what Django otherwise loads on a worker's first requests.

gunicorn imports the application once in its master process (`preload_app`) and
forks the workers from it, so with this done there, a new or recycled worker
(`max_requests`) serves its first request as fast as its thousandth instead of
spending a second of CPU importing views, template tag libraries and
translation catalogs. Nothing here touches the database.
"""

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
    # The workers must not share a connection that an import might have opened here.
    connections.close_all()
