"""Writes of the company API: its tokens, and the visitor and visit details the API may change.

State changes of visits are not here: the API calls tenant_apps/visits/services.py.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.audit.services import audit_record
from tenant_apps.api.models import ApiToken
from tenant_apps.api.tokens import PREFIX_LENGTH, api_key_hash, api_key_new
from tenant_apps.visits.models import Host, Visit, VisitEvent, Visitor
from tenant_apps.visits.services import Actor, visit_reschedule

VISITOR_FIELDS = ("first_name", "last_name", "email", "phone", "company_name", "language")


@transaction.atomic
def api_token_create(*, name: str, created_by: User) -> tuple[ApiToken, str]:
    """Make a token for an integration. The key is returned once; only its hash is kept."""
    key = api_key_new()
    token = ApiToken.objects.create(
        name=name, prefix=key[:PREFIX_LENGTH], key_hash=api_key_hash(key), created_by=created_by
    )
    audit_record(actor=created_by.email, action="api.token_created", object_ids={"api_token": [token.pk]})
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token for good; requests with its key are refused from now on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor.email, action="api.token_revoked", object_ids={"api_token": [token.pk]})
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Record that the token was used, at most once a minute so busy integrations do not write on every call."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


@transaction.atomic
def visitor_create(
    *, first_name: str, last_name: str, email: str, phone: str, company_name: str, language: str
) -> Visitor:
    """A new visitor with only the fields a visit needs."""
    return Visitor.objects.create(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        company_name=company_name,
        language=language,
    )


@transaction.atomic
def visitor_update(*, visitor: Visitor, **changes: str) -> Visitor:
    """Correct a visitor's details; only the known personal fields can change."""
    fields = [name for name in changes if name in VISITOR_FIELDS]
    for name in fields:
        setattr(visitor, name, changes[name])
    if fields:
        visitor.save(update_fields=fields)
    return visitor


@transaction.atomic
def visit_update_details(
    *,
    visit: Visit,
    actor: Actor,
    purpose: str | None = None,
    host: Host | None = None,
    host_set: bool = False,
    expected_start: dt.datetime | None = None,
    expected_end: dt.datetime | None = None,
) -> Visit:
    """Change a visit's purpose or host, and move its times through `visit_reschedule` (expected visits only)."""
    if expected_start is not None or expected_end is not None:
        visit = visit_reschedule(
            visit=visit,
            expected_start=expected_start or visit.expected_start,
            expected_end=expected_end or visit.expected_end,
            actor=actor,
        )
    fields = []
    if purpose is not None and purpose != visit.purpose:
        visit.purpose = purpose
        fields.append("purpose")
    if host_set and host != visit.host:
        visit.host = host
        fields.append("host")
    if fields:
        visit.updated_by = actor.user
        visit.save(update_fields=[*fields, "updated_by", "updated_at"])
        VisitEvent.objects.create(
            visit=visit, kind=VisitEvent.Kind.NOTE, actor=actor.label, note=f"changed: {', '.join(fields)}"
        )
    return visit
