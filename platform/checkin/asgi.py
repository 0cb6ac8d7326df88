import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")
application = get_asgi_application()

from shared_apps.database.login_guard import exit_if_superuser_login  # noqa: E402 - needs the settings set up

exit_if_superuser_login()
