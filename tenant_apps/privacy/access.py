"""The access rules of a company's privacy resources: exports, data-subject requests and the retention setting.

The privacy pages, the retention API and any later channel ask these functions and nothing else. Helpers returning
one object raise Http404 alike for a missing object and a forbidden one.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from shared_apps.accounts.models import User
from tenant_apps.privacy.models import Export, SubjectRequest
from tenant_apps.visits.access import access_visitor, is_company_staff, may_list_visitors
from tenant_apps.visits.models import Visitor


def _is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.role == User.Role.ADMIN)


def may_see_purge_forecast(user: User) -> bool:
    """The privacy overview (when the next purge runs, how much it deletes): all of the company's staff."""
    return is_company_staff(user)


# Retention: read and changed by a company's admins, on the page and through the API alike.


def may_change_retention(user: User) -> bool:
    return _is_admin(user)


# Exports: the whole company's data, so its admins only; a file is handed out while it is ready and not expired.


def may_manage_exports(user: User) -> bool:
    return _is_admin(user)


def exports_visible_to(user: User) -> QuerySet[Export]:
    """The exports `user` may list: every one of the company for an admin, none for anyone else."""
    return Export.objects.all() if may_manage_exports(user) else Export.objects.none()


def access_export(user: User, export_id: int) -> Export:
    """A ready export `user` may download; 404 when missing, not ready, expired or not allowed."""
    export = exports_visible_to(user).filter(pk=export_id, status=Export.Status.READY).exclude(storage_name="").first()
    if export is None or (export.expires_at and export.expires_at <= timezone.now()):
        raise Http404
    return export


# Data-subject requests: the whole record of a person (find, show, download, correct, erase, object), for who may
# search every visitor (`may_list_visitors`); a member never, even for their own visitor.


def may_handle_subject_requests(user: User) -> bool:
    return may_list_visitors(user)


def persons_visible_to(user: User) -> QuerySet[Visitor]:
    """The people whose whole record `user` may open: every visitor for who handles requests, none otherwise."""
    return Visitor.objects.all() if may_handle_subject_requests(user) else Visitor.objects.none()


def access_person(user: User, visitor_id: int) -> Visitor:
    """A person whose whole record `user` may read, correct and erase; 404 when missing or not allowed."""
    if not may_handle_subject_requests(user):
        raise Http404
    return access_visitor(user, visitor_id, edit=True)


# The visitors' own requests (made on their privacy page): for who handles data-subject requests.


def subject_requests_visible_to(user: User) -> QuerySet[SubjectRequest]:
    """The visitors' requests `user` may see and answer: all of the company's for who handles requests."""
    return SubjectRequest.objects.all() if may_handle_subject_requests(user) else SubjectRequest.objects.none()


def access_subject_request(user: User, request_id: int) -> SubjectRequest:
    """A visitor's request `user` may answer; 404 when missing or not allowed."""
    item = subject_requests_visible_to(user).select_related("visitor", "closed_by").filter(pk=request_id).first()
    if item is None:
        raise Http404
    return item
