"""A building's host: the front desk and the lobby kiosk."""

from django.urls import include, path

from checkin.urls_common import urlpatterns as common
from shared_apps.accounts.models import User
from tenant_apps.desk.views import desk_home

handler400 = "shared_apps.operations.errors.bad_request"
handler404 = "shared_apps.operations.errors.not_found"
handler500 = "shared_apps.operations.errors.server_error"

# Desk staff accounts: the staff account pages of shared_apps/accounts/staff, for the roles of a reception schema.
DESK_STAFF = {"roles": (User.Role.DESK,), "manager_roles": (User.Role.DESK,), "nav_template": "desk/_nav.html"}

urlpatterns = [
    path("", desk_home, name="home"),
    path("desk/kiosks/", include("tenant_apps.desk.kiosk_urls")),
    path("desk/block-list/", include("tenant_apps.desk.block_list_urls")),
    path("desk/staff/", include("shared_apps.accounts.staff.urls"), DESK_STAFF),
    path("desk/", include("tenant_apps.desk.urls")),
    path("kiosk/", include("tenant_apps.kiosk.urls")),
    *common,
]
