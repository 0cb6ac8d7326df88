"""The Users views manage whatever roles their URLconf passes: here the desk staff of a reception."""

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import Http404
from django.test import RequestFactory
from django.urls import set_urlconf
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.accounts.staff import views as staff_views
from tests.portal.desk_urls import DESK_STAFF as DESK


def _request(method: str, user: User, tenant, data=None):
    request = getattr(RequestFactory(HTTP_HOST="tower.localhost"), method)("/users/", data or {})
    request.user, request.tenant, request.session = user, tenant, SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_desk_staff_list_and_invite_desk_accounts(tower_reception):
    set_urlconf("tests.portal.desk_urls")
    try:
        with tenant_context(tower_reception):
            desk = User.objects.get(email="desk@tower.example")
            page = staff_views.user_list(_request("get", desk, tower_reception), **DESK).content.decode()
            assert "desk@tower.example" in page
            response = staff_views.user_invite_view(
                _request("post", desk, tower_reception, {"full_name": "Dana", "email": "dana@tower.example",
                                                         "role": "desk", "language": "nl"}), **DESK)  # fmt: skip
            assert response.status_code == 302
            assert User.objects.get(email="dana@tower.example").role == "desk"
            refused = staff_views.user_invite_view(
                _request("post", desk, tower_reception, {"full_name": "M", "email": "m@tower.example",
                                                         "role": "admin"}), **DESK)  # fmt: skip
            assert "Select a valid choice" in refused.content.decode()
            admin = User(email="someone@tower.example", role=User.Role.ADMIN)
            with pytest.raises(Http404):
                staff_views.user_list(_request("get", admin, tower_reception), **DESK)
    finally:
        set_urlconf(None)
