"""Demo data: building `tower`, companies `acme` and `globex`, one account per role, visits today and the next days,
and at acme a visit over several days (two working weeks from today).

Running it again changes nothing but what has gone stale: accounts get their
demo password back, a company with no visits today gets a fresh set (placed around the
moment of loading: someone expected soon, someone on site, someone gone), and one with nothing
planned after today gets visits for the coming days.
IT and desk accounts must sign in with a second factor: the demo gives them an
authenticator app with a published secret (`DEMO_TOTP_SECRET`), whose current
code `manage.py demo_code` prints.
"""

import datetime as dt
import os
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from shared_apps.accounts.models import User
from shared_apps.accounts.services import user_ensure
from shared_apps.accounts.two_factor import device_set
from shared_apps.api_tokens.keys import PREFIX_LENGTH, api_key_hash
from shared_apps.api_tokens.models import ApiToken
from shared_apps.provisioning.buildings import building_create
from shared_apps.provisioning.companies import company_create
from shared_apps.provisioning.tenant_schemas import platform_ensure
from shared_apps.tenancy.links import tenant_url
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.kiosk.block_list import DEFAULT_DAYS, BlockListDetails, block_list_add, block_list_entries, name_key
from tenant_apps.parcels.models import Parcel
from tenant_apps.parcels.services import ParcelDetails, parcel_record
from tenant_apps.sso.services import identity_provider_save
from tenant_apps.visits.models import CompanySettings, Host, Visit, Visitor
from tenant_apps.visits.selectors import visits_on_day
from tenant_apps.visits.series import visit_series_register
from tenant_apps.visits.services import Actor, SeriesPattern

DEMO_PASSWORD = "checkin-demo-2026"  # noqa: S105 - printed for the demo on purpose
DEMO_TOTP_SECRET = "CHECKINDEMOCHECKINDEMOCHECKINDEM"  # noqa: S105 - the demo's authenticator app, published
# globex's directory sync: a SCIM token with a published key, printed by `load_demo` (README, Directory sync).
DEMO_SCIM_COMPANY = "globex"
DEMO_SCIM_TOKEN = "ck_demo-globex-directory-scim-2026"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class Login:
    where: str
    url: str
    email: str


_COMPANIES = {
    "acme": ("Acme Logistics", ["Sophie Dubois", "Jan Peeters"]),
    "globex": ("Globex Consulting", ["Lena Schmidt", "Tom Janssens"]),
}
BLOCKED_NAME = "Eve Mallory"  # the demo's block-list entry
# Today's visits, placed around the moment the demo is loaded so the desk board has someone in every section:
# (first, last, organisation, language, minutes from now to the planned start, state).
_VISITORS = [
    ("Marie", "Lambert", "Lambert & Fils", "fr", 45, "expected"),
    ("Pieter", "De Smet", "Havenbedrijf", "nl", -60, "on_site"),
    ("Anna", "Müller", "Kraftwerk AG", "de", -180, "left"),
    ("James", "Carter", "Northwind", "en", 180, "expected"),
]
# Visits of the coming days, so the portal's upcoming list and the next days' boards are not empty:
# (first, last, organisation, language, days from today, hour).
_UPCOMING = [
    ("Luc", "Dupont", "Dupont SA", "fr", 1, 9),
    ("Els", "Vermeulen", "Vermeulen NV", "nl", 1, 14),
    ("Karl", "Weber", "Weber GmbH", "de", 2, 10),
    ("Sofia", "Rossi", "Rossi Trasporti", "en", 3, 11),
    ("Camille", "Martin", "Martin & Co", "fr", 6, 15),
]


def load_demo() -> list[Login]:
    platform_ensure()
    logins = [Login("IT console", tenant_url(Tenant.objects.get(schema_name="public")), "it@checkin.example")]
    with schema_context("public"):
        it = user_ensure(email="it@checkin.example", full_name="Iris Tech", role=User.Role.IT, password=DEMO_PASSWORD)
        device_set(user=it, secret=DEMO_TOTP_SECRET)

    building = Building.objects.filter(slug="tower").first() or building_create(
        slug="tower", name="Tower", address="Rue de la Loi 200, 1040 Brussels"
    )
    reception = Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)
    with tenant_context(reception):
        desk = user_ensure(
            email="desk@tower.example", full_name="Dries Desk", role=User.Role.DESK, password=DEMO_PASSWORD
        )
        device_set(user=desk, secret=DEMO_TOTP_SECRET)
    logins.append(Login("Front desk of Tower", tenant_url(reception), "desk@tower.example"))

    for slug, (name, host_names) in _COMPANIES.items():
        company = Tenant.objects.filter(slug=slug).first() or company_create(building=building, slug=slug, name=name)
        with tenant_context(company):
            email = f"admin@{slug}.example"
            admin = user_ensure(email=email, full_name=f"{name} Admin", role=User.Role.ADMIN, password=DEMO_PASSWORD)
            _ensure_visits(slug, host_names)
            if slug == DEMO_SCIM_COMPANY:
                _ensure_scim_token(admin)
            if slug == "acme":
                _ensure_series()
                _ensure_parcel()
        logins.append(Login(name, tenant_url(company), email))
    issuer = os.environ.get("CHECKIN_DEMO_OIDC_ISSUER")
    if issuer:
        with tenant_context(Tenant.objects.get(slug="globex")):
            _ensure_single_sign_on(issuer)
        logins.append(Login("Globex, single sign-on", issuer, "sso.admin@globex.example"))
        logins.append(Login("Globex, single sign-on", issuer, "sso.member@globex.example"))
    return logins


def _ensure_scim_token(admin: User) -> None:
    """The demo directory's token, active again if it was revoked (as the demo's passwords come back)."""
    ApiToken.objects.update_or_create(
        key_hash=api_key_hash(DEMO_SCIM_TOKEN),
        defaults={"name": "Demo directory", "prefix": DEMO_SCIM_TOKEN[:PREFIX_LENGTH], "scope": ApiToken.Scope.SCIM,
                  "created_by": admin, "revoked_at": None},
    )  # fmt: skip


DEMO_OIDC_CLIENT = ("globex-checkin", "globex-demo-client-secret")  # tests/oidc_provider/demo.json


def _ensure_single_sign_on(issuer: str) -> None:
    """globex signs in through the demo's provider (platform/dev.py starts it): admins from its group
    `checkin-admins`, everyone else of globex.example a member, accounts made at first sign-in."""
    identity_provider_save(
        name="Globex ID", issuer=issuer, client_id=DEMO_OIDC_CLIENT[0], client_secret=DEMO_OIDC_CLIENT[1],
        allowed_domains=["globex.example"], role_claim="groups", admin_values=["checkin-admins"], member_values=[],
        create_accounts=True, sso_only=False, enabled=True,
    )  # fmt: skip


@transaction.atomic
def _ensure_visits(slug: str, host_names: list[str]) -> None:
    hosts = [
        Host.objects.get_or_create(name=host, defaults={"email": f"{host.split()[0].lower()}@{slug}.example"})[0]
        for host in host_names
    ]
    now = timezone.localtime().replace(second=0, microsecond=0)
    today = now.date()
    if not visits_on_day(day=today).exists():
        for index, (first, last, company, language, minutes, state) in enumerate(_VISITORS):
            start = now + dt.timedelta(minutes=minutes)
            _visit(_visitor(first, last, company, language), hosts[index % len(hosts)], start, state)
    tomorrow = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0, 0)))
    if not Visit.objects.filter(expected_start__gte=tomorrow).exists():
        for index, (first, last, company, language, days, hour) in enumerate(_UPCOMING):
            day = today + dt.timedelta(days=days)
            day += dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)  # offices: Monday
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
            _visit(_visitor(first, last, company, language), hosts[index % len(hosts)], start, "expected")


def _visitor(first: str, last: str, company: str, language: str) -> Visitor:
    return Visitor.objects.get_or_create(
        first_name=first,
        last_name=last,
        defaults={"company_name": company, "language": language, "email": f"{first.lower()}@example.org"},
    )[0]


def _visit(visitor: Visitor, host: Host, start: dt.datetime, state: str) -> None:
    visit = Visit(
        visitor=visitor,
        host=host,
        expected_start=start,
        expected_end=start + dt.timedelta(hours=2),
        purpose="Meeting",
        channel=Visit.Channel.INVITATION,
        state=state,
    )
    if state in ("on_site", "left"):
        visit.checked_in_at = start
        visit.consent_at = start
        visit.consent_channel = Visit.Channel.KIOSK
    if state == "left":
        visit.checked_out_at = start + dt.timedelta(hours=1, minutes=30)
    visit.save()


@transaction.atomic
def _ensure_series() -> None:
    """A contractor on site every working day for two weeks from today: one visit over several days, one code."""
    today = timezone.localdate()
    if Visit.objects.filter(series__isnull=False, expected_start__date=today).exists():
        return
    visitor, _ = Visitor.objects.get_or_create(
        email="marco@example.org",
        defaults={"first_name": "Marco", "last_name": "Multiday", "company_name": "Fixit Works", "language": "nl"},
    )
    start = timezone.make_aware(dt.datetime.combine(today, dt.time(8, 30)))
    visit_series_register(
        visitor=visitor, host=Host.objects.order_by("pk").first(), expected_start=start,
        expected_end=start + dt.timedelta(hours=8, minutes=30), purpose="Renovation of the third floor",
        # Monday to Friday, and today whatever day it is, so the demo's desk shows the series today.
        pattern=SeriesPattern(last_day=today + dt.timedelta(days=13), weekdays=f"12345{today.isoweekday()}"),
        actor=Actor(label="demo", channel=Visit.Channel.INVITATION),
    )  # fmt: skip


def _ensure_parcel() -> None:
    """A parcel waiting at Tower's desk for Acme's first host (its e-mail is printed by the console backend)."""
    if Parcel.objects.filter(picked_up_at=None).exists():
        return
    parcel_record(
        details=ParcelDetails(host_id=Host.objects.order_by("pk").values_list("pk", flat=True)[0], carrier="bpost",
                              tracking_reference="323299901234567890", items=2),
        actor_label="demo",
    )  # fmt: skip


def demo_flows_ensure() -> list[str]:
    """What the demo lets one try beyond the everyday (`manage.py load_demo`, not the tests' seed, whose companies
    check walk-ins in at once): Globex approves its kiosk walk-ins (by the links in the e-mail to its reception,
    printed by the console e-mail backend) and lets the desk decide for it; Tower's block list holds one person.
    Returns the lines to print."""
    with tenant_context(Tenant.objects.get(slug="globex")):
        CompanySettings.objects.update_or_create(pk=1, defaults={
            "walk_in_approval": True, "approval_timeout_minutes": 10, "desk_may_decide": True,
            "reception_email": "reception@globex.example",
        })  # fmt: skip
    with tenant_context(Tenant.objects.get(type=Tenant.Type.RECEPTION, building__slug="tower")):
        if not block_list_entries().filter(name_key=name_key(BLOCKED_NAME)).exists():
            expires = timezone.localdate() + dt.timedelta(days=DEFAULT_DAYS)
            block_list_add(details=BlockListDetails(
                full_name=BLOCKED_NAME, email="eve.mallory@example.org", birth_date=None, document_hint="ID …0413",
                reason="Tried to enter the Acme floor without a host (demo entry).", expires_on=expires,
            ), actor="demo")  # fmt: skip
    return [
        "Globex approves its kiosk walk-ins: a walk-in waits on the kiosk; the approve and decline links are in the",
        "  e-mail to reception@globex.example (printed here by the console e-mail backend); the desk may decide too.",
        f"Tower's block list (desk → Block list) holds {BLOCKED_NAME}: check in under that name, at the kiosk or",
        "  the desk, and the visit is held for the desk.",
        "A parcel waits at Tower's desk for Acme (desk → Parcels: record the pick-up; Acme's portal → Parcels).",
    ]
