"""`{% load visit_labels %}`: a visit's stored codes (`on_site`, `walk_in`, `checked_in`) as the words people read, in
the active language, for pages that show a record kept as codes (the person's record, whose JSON keeps the codes)."""

from django import template

from tenant_apps.visits.models import Visit, VisitEvent

register = template.Library()


def _label(choices: type, code: object) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return str(code or "")


@register.filter
def state_label(code: str) -> str:
    return _label(Visit.State, code)


@register.filter
def channel_label(code: str) -> str:
    return _label(Visit.Channel, code)


@register.filter
def event_label(code: str) -> str:
    return _label(VisitEvent.Kind, code)
