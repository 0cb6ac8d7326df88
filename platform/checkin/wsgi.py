import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")
application = get_wsgi_application()

from checkin.warm import warm_up  # noqa: E402 - needs the settings that get_wsgi_application() set up

warm_up()
