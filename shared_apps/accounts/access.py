"""Who may open a staff page: one decorator, used by every host type."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from shared_apps.accounts.models import User

View = Callable[..., HttpResponse]


def staff_required(*roles: str) -> Callable[[View], View]:
    """Anonymous users go to this host's login page; signed-in users without one of `roles` get 404."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user.role not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.staff_roles = roles  # type: ignore[attr-defined]  # read by tests/security/test_access_matrix.py
        return wrapper

    return decorator


def access_staff_user(user: User, user_id: int, *, roles: tuple[str, ...]) -> User:
    """A staff account of this host with one of `roles`: the accounts `user` manages."""
    return get_object_or_404(User.objects.filter(role__in=roles), pk=user_id)
