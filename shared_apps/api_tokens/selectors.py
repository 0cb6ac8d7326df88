from django.db.models import F, QuerySet

from shared_apps.api_tokens.models import ApiToken


def api_tokens() -> QuerySet[ApiToken]:
    """The tokens of the current schema, active ones first, newest first."""
    return ApiToken.objects.select_related("created_by").order_by(F("revoked_at").asc(nulls_first=True), "-created_at")
