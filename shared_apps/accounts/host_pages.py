"""Account pages are the same on every host; they wear that host's navigation."""

from django.http import HttpRequest

_NAV = {"public": "console/_nav.html", "reception": "desk/_nav.html", "company": "visits/_nav.html"}


def host_nav(request: HttpRequest) -> str | None:
    """The navigation template of the request's host, for signed-in pages."""
    if not request.user.is_authenticated:
        return None
    tenant = getattr(request, "tenant", None)
    return _NAV.get(getattr(tenant, "type", ""))
