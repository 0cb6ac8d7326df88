"""Fixtures of the privacy tests: a private export folder and visits seeded through time (eager Celery: `eager`,
tests/conftest.py)."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from django.utils import timezone

from tenant_apps.visits.models import Host, Visit, Visitor
from tenant_apps.visits.selectors import company_settings
from tenant_apps.visits.services import (
    Actor,
    visit_cancel,
    visit_check_in,
    visit_check_out,
    visit_mark_no_show,
    visit_register,
)

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
STAFF = Actor(label="admin@acme.example", channel=Visit.Channel.INVITATION)
DESK = Actor(label="desk:tower:desk@tower.example", channel=Visit.Channel.DESK)


@pytest.fixture(autouse=True)
def export_folder(settings, tmp_path) -> Iterator[None]:
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    yield


def person(first: str = "Zoë", last: str = "Vandenberghe", email: str = "zoe@example.org", **extra: str) -> Visitor:
    return Visitor.objects.create(first_name=first, last_name=last, email=email, **extra)


def visit(visitor: Visitor, *, ended: dt.datetime, state: str = Visit.State.LEFT, purpose: str = "Meeting") -> Visit:
    """A visit made through the services, travelling in time: it ends (or was planned to end) at `ended`."""
    start = ended - dt.timedelta(hours=1)
    with time_machine.travel(start - dt.timedelta(days=2), tick=False):
        host = Host.objects.first()
        made = visit_register(visitor=visitor, host=host, expected_start=start, expected_end=ended, purpose=purpose,
                              actor=STAFF)  # fmt: skip
    if state in (Visit.State.ON_SITE, Visit.State.LEFT):
        with time_machine.travel(start, tick=False):
            made = visit_check_in(visit=made, actor=DESK, notice_version="2026-01")
    if state == Visit.State.LEFT:
        with time_machine.travel(ended, tick=False):
            made = visit_check_out(visit=made, actor=DESK)
    if state == Visit.State.CANCELLED:
        with time_machine.travel(start - dt.timedelta(days=1), tick=False):
            made = visit_cancel(visit=made, actor=STAFF)
    if state == Visit.State.NO_SHOW:
        with time_machine.travel(ended + dt.timedelta(hours=1), tick=False):
            made = visit_mark_no_show(visit=made, actor=DESK)
    return made


def set_retention(days: int) -> None:
    current = company_settings()
    current.retention_days = days
    current.save()


@dataclass
class Clock:
    now: dt.datetime


@pytest.fixture
def frozen() -> Iterator[Clock]:
    with time_machine.travel(NOW, tick=False):
        yield Clock(timezone.now())
