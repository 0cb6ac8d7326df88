"""`{% load notifications %}{% visit_deliveries visit %}`: a visit's messages and their status, for its detail page."""

from typing import Any

from django import template

from tenant_apps.notifications.selectors import deliveries_for_visit
from tenant_apps.visits.models import Visit

register = template.Library()


@register.inclusion_tag("notifications/_deliveries.html")
def visit_deliveries(visit: Visit) -> dict[str, Any]:
    return {"deliveries": deliveries_for_visit(visit)}
