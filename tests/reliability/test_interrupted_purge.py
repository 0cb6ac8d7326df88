"""A purge cut off after some batches (its connection lost) finishes on the next run, with the end state,
and the audited counts, of a purge that was never interrupted."""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, OperationalError, connection, transaction
from django_tenants.utils import tenant_context

from shared_apps.audit.models import AuditEntry
from shared_apps.tenancy.models import Tenant
from tenant_apps.privacy.purge import company_purge
from tenant_apps.visits.models import Visit, VisitEvent, Visitor
from tests.privacy.conftest import person, set_retention, visit

DAY = dt.timedelta(days=1)


def _seed(now: dt.datetime) -> None:
    """The same people and visits in any company: some due for the purge, some not."""
    set_retention(30)
    regular, once, staying = (person(email=f"{who}@example.org", last=who) for who in ("regular", "once", "staying"))
    for days in range(31, 38):
        visit(regular, ended=now - days * DAY)
    visit(regular, ended=now - 2 * DAY)
    visit(once, ended=now - 90 * DAY, state=Visit.State.NO_SHOW)
    visit(staying, ended=now - 60 * DAY, state=Visit.State.ON_SITE)  # still in the building: never purged
    person(email="never@example.org", last="never")  # registered, never visited


def _state() -> dict[str, Any]:
    return {
        "visitors": sorted(Visitor.objects.values_list("email", flat=True)),
        "visits": sorted(Visit.objects.values_list("visitor__email", "expected_end", "state")),
        "events": VisitEvent.objects.count(),
    }


def _fail_after(batches: int) -> Callable[..., Any]:
    """A query wrapper that loses the connection at the purge's batch number `batches + 1`."""
    seen = 0

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal seen
        if sql.startswith("WITH batch AS"):
            seen += 1
            if seen > batches:
                raise OperationalError("server closed the connection unexpectedly (injected)")
        return execute(sql, params, many, context)

    return wrapper


def _audited(company: Tenant) -> list[dict[str, Any]]:
    entries = AuditEntry.objects.filter(action="retention.purge", tenant_schema=company.schema_name).order_by("pk")
    return [entry.details for entry in entries]


def test_an_interrupted_purge_finishes_on_the_next_run_like_an_uninterrupted_one(acme, settings):
    settings.CHECKIN_PURGE_BATCH_SIZE = 2
    with tenant_context(acme):
        _seed(dt.datetime.now(dt.UTC))
        before = _state()
        with transaction.atomic():  # the uninterrupted purge of the same rows, then undone
            company_purge()
            uninterrupted, (whole,) = _state(), _audited(acme)
            transaction.set_rollback(True)
        assert _state() == before

        with connection.execute_wrapper(_fail_after(2)), pytest.raises(DatabaseError):
            company_purge()
        halfway = _state()
        assert len(uninterrupted["visits"]) < len(halfway["visits"]) < len(before["visits"])
        company_purge()
        assert _state() == uninterrupted

    # What the cut-off run deleted is on record, marked so; both runs add up to the uninterrupted one.
    first, second = _audited(acme)
    assert first["interrupted"] is True and "interrupted" not in second
    assert first["deleted"]["visits.visit"] == 4  # two batches of two
    assert Counter(first["deleted"]) + Counter(second["deleted"]) == Counter(whole["deleted"])
