"""The access rules of a building's kiosks (the tablets paired with its reception schema): its desk manages them,
and only a paired tablet uses the visitor screens.

The reception schema holds the kiosks of its own building only, so every kiosk here is the desk's; another
building's is not found. The desk's kiosk pages ask these functions and nothing else; the visitor screens
(`/kiosk/...`, tenant_apps/kiosk/device.py) ask `may_use_kiosk_screens`.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from shared_apps.accounts.models import User
from tenant_apps.kiosk.models import BlockListEntry, Kiosk


def may_manage_kiosks(user: User) -> bool:
    """Whether `user` may list, pair and revoke the building's kiosks and change their settings."""
    return bool(user.is_authenticated and user.role == User.Role.DESK)


def kiosks_visible_to(user: User) -> QuerySet[Kiosk]:
    """The kiosks `user` manages, active first by name: every one of the building for its desk, none otherwise."""
    if not may_manage_kiosks(user):
        return Kiosk.objects.none()
    return Kiosk.objects.order_by("revoked_at", "name", "id")


def access_kiosk(user: User, kiosk_id: int) -> Kiosk:
    """A kiosk `user` may revoke; 404 when missing or not allowed."""
    return get_object_or_404(kiosks_visible_to(user), pk=kiosk_id)


def may_use_kiosk_screens(kiosk: Kiosk | None) -> bool:
    """Whether a device may use the visitor screens (check-in, check-out, badge, company logos): only a kiosk of this
    building, found by its device token, and not revoked. A person signed in (desk, company staff, IT) is no device:
    without a kiosk's token they get the pairing screen, whatever their rights elsewhere."""
    return kiosk is not None and kiosk.revoked_at is None


def may_manage_block_list(user: User) -> bool:
    """Whether `user` may see and change the building's block list: its desk staff only (IT through the
    `block_list` management command); never a company, a kiosk or a visitor."""
    return bool(user.is_authenticated and user.role == User.Role.DESK)


def block_list_visible_to(user: User) -> QuerySet[BlockListEntry]:
    """The entries in force that `user` manages: every one of the building for its desk, none otherwise."""
    if not may_manage_block_list(user):
        return BlockListEntry.objects.none()
    return BlockListEntry.objects.filter(expires_at__gt=timezone.now())


def access_block_list_entry(user: User, entry_id: int) -> BlockListEntry:
    """An entry `user` may remove; 404 when missing, expired or not allowed."""
    return get_object_or_404(block_list_visible_to(user), pk=entry_id)
