from typing import Any

from django.http import HttpRequest


def tenant(request: HttpRequest) -> dict[str, Any]:
    """Expose the host's tenant (company, reception or platform) to templates."""
    return {"tenant": getattr(request, "tenant", None)}
