"""Kiosk personas: `kiosk_tower` is a paired tablet in building tower; invitations are made in a company schema."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.kiosk.device import DEVICE_COOKIE
from tenant_apps.kiosk.models import Kiosk
from tenant_apps.kiosk.services import kiosk_pair, pairing_code_create
from tenant_apps.visits.models import Visit, Visitor
from tenant_apps.visits.services import Actor, visit_register


def rate_counters_clear() -> None:
    """Forget every rate limit's count (the test's transaction forgets them too, at its end)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM public.rate_counter")


def pair_device(building: Building, name: str = "Lobby") -> tuple[Kiosk, str]:
    reception = Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)
    with tenant_context(reception):
        desk = User.objects.filter(role=User.Role.DESK).first()
        assert desk is not None
        pairing = pairing_code_create(kiosk_name=name, user=desk, building=building)
        return kiosk_pair(code=pairing.code, client="fixture", building=building)


def kiosk_client(client_for, building: Building, token: str):
    client = client_for(f"{building.slug}.localhost")
    client.cookies[DEVICE_COOKIE] = token
    return client


@pytest.fixture
def tower_device(tower) -> tuple[Kiosk, str]:
    return pair_device(tower)


@pytest.fixture
def kiosk_tower(client_for, tower, tower_device):
    return kiosk_client(client_for, tower, tower_device[1])


@pytest.fixture
def kiosk_harbour(client_for, harbour):
    return kiosk_client(client_for, harbour, pair_device(harbour)[1])


def invite(
    company: Tenant, *, first: str, last: str, company_name: str = "", email: str = "", day: dt.date | None = None
) -> Visit:
    """An expected visit on `day` (today by default), as the company portal would create it."""
    day = day or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    with tenant_context(company):
        visitor = Visitor.objects.create(first_name=first, last_name=last, company_name=company_name, email=email)
        return visit_register(
            visitor=visitor,
            host=None,
            expected_start=start,
            expected_end=start + dt.timedelta(hours=2),
            purpose="",
            actor=Actor(label="test", channel=Visit.Channel.INVITATION),
        )


def visit_in(company: Tenant, pk: int) -> Visit:
    with tenant_context(company):
        return Visit.objects.select_related("visitor").get(pk=pk)


def choose_language(client, language: str = "en"):
    return client.post("/kiosk/language/", {"language": language}, follow=True)


def walk_in(client, company: Tenant, *, language: str = "en", **details: str):
    """Language, company, details with the notice accepted: the responses of every step."""
    responses = [choose_language(client, language)]
    responses.append(client.post("/kiosk/walk-in/", {"company": company.pk}, follow=True))
    data = {
        "first_name": "Walk",
        "last_name": "In",
        "visitor_company": "",
        "email": "walk@example.org",
        "phone": "",
        "accept_notice": "on",
        **details,
    }
    responses.append(client.post("/kiosk/walk-in/details/", data, follow=True))
    return responses


def invited_check_in(client, code: str, *, language: str = "en"):
    responses = [choose_language(client, language)]
    responses.append(client.post("/kiosk/invitation/", {"code": code}, follow=True))
    responses.append(client.post("/kiosk/invitation/confirm/", {"accept_notice": "on"}, follow=True))
    return responses


def check_out(client, code: str, *, language: str = "en"):
    responses = [choose_language(client, language)]
    responses.append(client.post("/kiosk/check-out/", {"code": code}, follow=True))
    return responses
