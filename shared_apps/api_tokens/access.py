"""The access rule of API tokens, in whichever schema they live: a company's (its admins) or the platform's (IT).

Each schema holds its own accounts, so the managing role names the schema's managers: a company schema has no
IT account and the public schema no admin. The portal's token page, the console's and the company API's
permission ask these functions and nothing else.
"""

from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404

from shared_apps.accounts.models import User
from shared_apps.api_tokens.models import ApiToken

TOKEN_MANAGERS = (User.Role.ADMIN, User.Role.IT)


def may_manage_api_tokens(user: User) -> bool:
    """Whether `user` may list, create and revoke this schema's tokens."""
    return bool(user.is_authenticated and user.role in TOKEN_MANAGERS)


def may_act_with_token(user: User) -> bool:
    """A token acts for the account that made it only while that account may still manage tokens: a token of an
    admin since made a member is refused."""
    return may_manage_api_tokens(user)


def api_tokens_visible_to(user: User, *, scope: ApiToken.Scope = ApiToken.Scope.API) -> QuerySet[ApiToken]:
    """The tokens of `scope` in the current schema `user` may see, active ones first, newest first; none for a
    non-manager. Each page lists and revokes its own scope's tokens only."""
    if not may_manage_api_tokens(user):
        return ApiToken.objects.none()
    tokens = ApiToken.objects.filter(scope=scope).select_related("created_by")
    return tokens.order_by(F("revoked_at").asc(nulls_first=True), "-created_at")


def access_api_token(user: User, token_id: int, *, scope: ApiToken.Scope = ApiToken.Scope.API) -> ApiToken:
    """A token of `scope` of the current schema `user` may revoke, or 404: another schema's tokens, and another
    scope's, are not found here."""
    return get_object_or_404(api_tokens_visible_to(user, scope=scope), pk=token_id)
