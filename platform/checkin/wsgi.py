import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")
application = get_wsgi_application()

from checkin.warm import warm_up  # noqa: E402 - needs the settings that get_wsgi_application() set up
from shared_apps.database.login_guard import exit_if_superuser_login  # noqa: E402 - idem

exit_if_superuser_login()  # before gunicorn forks its workers: the master exits with one line
warm_up()
