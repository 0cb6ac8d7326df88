from django.contrib.auth import views as auth_views
from django.urls import path

from shared_apps.accounts import security_views, two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("two-factor/", two_factor_views.two_factor_code, name="two_factor"),
    path("two-factor/setup/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path("security/", security_views.security, name="security"),
    path("security/recovery-codes/", security_views.recovery_codes_regenerate, name="recovery_codes"),
    path("security/two-factor/off/", security_views.two_factor_off, name="two_factor_off"),
    path("security/password/", security_views.password_change, name="password_change"),
    path("security/sign-ins/", security_views.my_signins, name="signins"),
]
