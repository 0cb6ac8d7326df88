"""The access rule of a company's notification settings (webhook URL and secret) and its delivery log: its admins."""

from shared_apps.accounts.models import User


def may_manage_notifications(user: User) -> bool:
    """Whether `user` may read and change the webhook settings, send a test and read the delivery log."""
    return bool(user.is_authenticated and user.role == User.Role.ADMIN)
