from django.http import Http404

from shared_apps.api_tokens.models import ApiToken


def access_api_token(*, token_id: int) -> ApiToken:
    """The token of the current schema with that id, or 404: another schema's tokens are not found here."""
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise Http404
    return token
