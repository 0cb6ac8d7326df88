"""Sessions that must pass a second factor before anything else.

Sign-ins through the login page always do. This catches the sessions that
began before their account needed it (a company admin has just required
two-factor authentication): without a device they may only set one up; with
one they are signed out, to sign in again with a code.
"""

from collections.abc import Callable

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from shared_apps.accounts.login_flow import NextStep, session_verified
from shared_apps.accounts.two_factor import device_confirmed, two_factor_required


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not session_verified(request) and two_factor_required(user):
            urlconf = getattr(request, "urlconf", None)
            setup = reverse(NextStep.SETUP, urlconf=urlconf)
            allowed = {setup, reverse("accounts:logout", urlconf=urlconf), reverse("set_language", urlconf=urlconf)}
            if request.path_info not in allowed:
                if device_confirmed(user) is not None:
                    logout(request)
                    return redirect_to_login(request.get_full_path())
                return redirect(setup)
        return self.get_response(request)
