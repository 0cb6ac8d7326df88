"""Writes on staff accounts. They act on the users table of the current schema."""

from shared_apps.accounts.models import User


def user_ensure(*, email: str, full_name: str, role: str, password: str) -> User:
    """Create the account if missing, else reset its name, role and password. For demo data and set-up."""
    user = User.objects.filter(email=email.lower()).first() or User(email=email.lower())
    user.full_name = full_name
    user.role = role
    user.is_active = True
    user.is_staff = role == User.Role.IT
    user.is_superuser = role == User.Role.IT
    user.set_password(password)
    user.save()
    return user
