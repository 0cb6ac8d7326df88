"""Every URL of the company API, read from the URL resolver, so a new endpoint is covered automatically."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

PAGES = {"tokens", "token_revoke", "docs"}  # HTML pages for admins: anonymous is sent to the login page
PAGE_METHODS = {"tokens": ("get", "post"), "token_revoke": ("post",)}


@dataclass(frozen=True)
class Endpoint:
    name: str
    kwargs: tuple[str, ...]  # the ids in the path, e.g. ("pk",)
    methods: tuple[str, ...]  # what the endpoint answers, e.g. ("get", "patch", "put")

    @property
    def is_page(self) -> bool:
        return self.name in PAGES

    def url(self, ids: dict[str, int]) -> str:
        """The path with the object of the right type filled in (a visit for visit-detail, a token for revoke)."""
        kind = self.name.split("-")[0].split("_")[0]
        values = {name: ids[kind] for name in self.kwargs}
        return reverse(f"api:{self.name}", urlconf="checkin.urls_company", kwargs=values)


def api_endpoints() -> list[Endpoint]:
    [api] = [
        p
        for p in get_resolver("checkin.urls_company").url_patterns
        if isinstance(p, URLResolver) and p.namespace == "api"
    ]
    found: list[Endpoint] = []

    def walk(patterns: list) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                actions = getattr(pattern.callback, "actions", None)  # a viewset route: {"get": "retrieve", ...}
                methods = tuple(actions) if actions else PAGE_METHODS.get(pattern.name, ("get",))
                found.append(Endpoint(pattern.name, tuple(pattern.pattern.regex.groupindex), methods))

    walk(api.url_patterns)
    return found


ENDPOINTS = api_endpoints()
