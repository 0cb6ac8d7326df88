"""Managing a host's staff accounts: list, invite, change role, deactivate.

Host-agnostic: the URLconf that mounts these views passes `roles` (the roles
listed and invitable there), `manager_roles` (who may manage them) and
`nav_template` (that host's navigation), so the desk reuses them for desk staff.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shared_apps.accounts.access import Roles, access_staff_user, may_manage_staff, rule_required, staff_visible_to
from shared_apps.accounts.invitations import user_invite
from shared_apps.accounts.models import User
from shared_apps.accounts.signin_records import SIGNIN_PAGE_SIZE, signin_records_all, signin_retention
from shared_apps.accounts.staff.forms import InviteForm, RoleForm
from shared_apps.accounts.staff.services import StaffAccountError, user_set_active, user_set_role
from shared_apps.audit.services import audit_record


def _as_manager(request: HttpRequest, manager_roles: Roles, view: Callable[[], HttpResponse]) -> HttpResponse:
    def managing(user: User) -> bool:
        return may_manage_staff(user, manager_roles=manager_roles)

    return rule_required(managing)(lambda _request: view())(request)


def _context(nav_template: str, **extra: object) -> dict[str, object]:
    return {"nav_template": nav_template, **extra}


def user_list(request: HttpRequest, *, roles: Roles, manager_roles: Roles, nav_template: str) -> HttpResponse:
    """The accounts with one of `roles`, active first."""

    def view() -> HttpResponse:
        managed = staff_visible_to(request.user, roles=roles, manager_roles=manager_roles)  # type: ignore[arg-type]
        users = managed.order_by("-is_active", "full_name")
        forms = {user.pk: RoleForm(initial={"role": user.role}, roles=roles, prefix=f"u{user.pk}") for user in users}
        rows = [(user, forms[user.pk]) for user in users]
        return render(
            request, "accounts/staff/list.html", _context(nav_template, rows=rows, can_pick_role=len(roles) > 1)
        )

    return _as_manager(request, manager_roles, view)


def signin_list(request: HttpRequest, *, roles: Roles, manager_roles: Roles, nav_template: str) -> HttpResponse:
    """Every sign-in record of this host's accounts (and of unknown addresses typed on it), newest first: for a
    company's admins their company's, for the desk their building's desk accounts'."""

    def view() -> HttpResponse:
        page = Paginator(signin_records_all(), SIGNIN_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request, "accounts/signins.html", _context(nav_template, page=page, own=False, **signin_retention())
        )

    return _as_manager(request, manager_roles, view)


def user_invite_view(request: HttpRequest, *, roles: Roles, manager_roles: Roles, nav_template: str) -> HttpResponse:
    """Invite someone by e-mail: they get a one-time link to choose a password on this host."""

    def view() -> HttpResponse:
        form = InviteForm(request.POST or None, roles=roles, initial={"role": roles[-1]})
        if request.method == "POST" and form.is_valid():
            tenant = getattr(request, "tenant", None)
            user = user_invite(
                email=form.cleaned_data["email"], full_name=form.cleaned_data["full_name"].strip(),
                role=form.cleaned_data["role"], language=form.cleaned_data["language"],
                base_url=request.build_absolute_uri("/"),
                site_name=tenant.name if tenant is not None else "Check-in",
            )  # fmt: skip
            audit_record(actor=request.user.email, action="user.invited", request=request,  # type: ignore[union-attr]
                         object_ids={"user": [user.pk]}, details={"role": user.role})  # fmt: skip
            messages.success(request, _("The invitation is sent. The link works for three days."))
            return redirect("staff:list")
        return render(request, "accounts/staff/invite.html", _context(nav_template, form=form))

    return _as_manager(request, manager_roles, view)


def user_role(
    request: HttpRequest, user_id: int, *, roles: Roles, manager_roles: Roles, nav_template: str
) -> HttpResponse:
    """Change an account's role (POST)."""

    def view() -> HttpResponse:
        user = access_staff_user(request.user, user_id, roles=roles, manager_roles=manager_roles)  # type: ignore[arg-type]
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = RoleForm(request.POST, roles=roles, prefix=f"u{user.pk}")
        if not form.is_valid():
            messages.error(request, _("Choose one of the roles offered."))
            return redirect("staff:list")
        try:
            user_set_role(user=user, role=form.cleaned_data["role"], by=request.user)  # type: ignore[arg-type]
        except StaffAccountError as error:
            messages.error(request, str(error))
        else:
            audit_record(actor=request.user.email, action="user.role_changed", request=request,  # type: ignore[union-attr]
                         object_ids={"user": [user.pk]}, details={"role": user.role})  # fmt: skip
            messages.success(request, _("The role of %(name)s is changed.") % {"name": user.full_name or user.email})
        return redirect("staff:list")

    return _as_manager(request, manager_roles, view)


def user_active(
    request: HttpRequest, user_id: int, *, roles: Roles, manager_roles: Roles, nav_template: str
) -> HttpResponse:
    """Deactivate an account, which signs it out everywhere at once, or reactivate it (POST `active` = 0 or 1)."""

    def view() -> HttpResponse:
        user = access_staff_user(request.user, user_id, roles=roles, manager_roles=manager_roles)  # type: ignore[arg-type]
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        active = request.POST.get("active") == "1"
        try:
            ended = user_set_active(user=user, active=active, by=request.user)  # type: ignore[arg-type]
        except StaffAccountError as error:
            messages.error(request, str(error))
        else:
            audit_record(actor=request.user.email, request=request,  # type: ignore[union-attr]
                         action="user.activated" if active else "user.deactivated",
                         object_ids={"user": [user.pk]}, details={"sessions_ended": ended})  # fmt: skip
            name = user.full_name or user.email
            messages.success(
                request,
                (_("%(name)s can sign in again.") if active else _("%(name)s is deactivated and signed out."))
                % {"name": name},
            )
        return redirect("staff:list")

    return _as_manager(request, manager_roles, view)
