"""Mount with the kwargs the views need, e.g. `path("users/", include("shared_apps.accounts.staff.urls"),
{"roles": (...), "manager_roles": (...), "nav_template": "..."})`.
"""

from django.urls import path

from shared_apps.accounts.staff import views as staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.user_list, name="list"),
    path("invite/", staff_views.user_invite_view, name="invite"),
    path("sign-ins/", staff_views.signin_list, name="signins"),
    path("<int:user_id>/role/", staff_views.user_role, name="role"),
    path("<int:user_id>/active/", staff_views.user_active, name="active"),
]
