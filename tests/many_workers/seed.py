"""Run in a child process on the many-worker tests' own database (DATABASE_URL): its roles and the credentials
the tests use. Prints them as one JSON object.

    DATABASE_URL=... python tests/many_workers/seed.py
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkin.settings")
django.setup()

from django_tenants.utils import schema_context, tenant_context  # noqa: E402

from checkin.demo import DEMO_PASSWORD  # noqa: E402
from shared_apps.accounts.models import User  # noqa: E402
from shared_apps.accounts.services import user_ensure  # noqa: E402
from shared_apps.console.services import api_token_create as it_token_create  # noqa: E402
from shared_apps.tenancy.models import Building, Tenant  # noqa: E402
from shared_apps.tenancy.schema_roles import roles_sync_all  # noqa: E402
from tenant_apps.api.services import api_token_create  # noqa: E402
from tenant_apps.kiosk.services import kiosk_pair, pairing_code_create  # noqa: E402


def _company_token(slug: str) -> str:
    with schema_context("public"):
        company = Tenant.objects.get(slug=slug)
    with tenant_context(company):
        admin = User.objects.get(email=f"admin@{slug}.example")
        return api_token_create(name="many workers", created_by=admin)[1]


def _kiosk(building_slug: str, name: str) -> dict[str, object]:
    with schema_context("public"):
        building = Building.objects.get(slug=building_slug)
        reception = Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)
    with tenant_context(reception):
        desk = User.objects.get(role=User.Role.DESK)
        pairing = pairing_code_create(kiosk_name=name, user=desk, building=building)
        kiosk, token = kiosk_pair(code=pairing.code, client="seed", building=building)
        return {"id": kiosk.pk, "token": token}


def main() -> None:
    roles_sync_all()  # roles belong to the cluster, not to the copy: its schemas get theirs
    with schema_context("public"):
        it = User.objects.get(email="it@checkin.example")
        it_token = it_token_create(user=it, name="many workers")[1]
    with tenant_context(Tenant.objects.get(slug="acme")):
        users = {
            email: user_ensure(email=email, full_name=email, role=role, password=DEMO_PASSWORD).pk
            for email, role in (("second-admin@acme.example", User.Role.ADMIN),
                                ("member2@acme.example", User.Role.MEMBER),
                                ("member3@acme.example", User.Role.MEMBER))
        }  # fmt: skip
    seeded = {
        "it_token": it_token,
        "acme_users": users,
        "tokens": {slug: _company_token(slug) for slug in ("acme", "globex", "initech")},
        "kiosks": {name: _kiosk("tower", name) for name in ("revoked", "codes", "same-code", "walk-ins", "documents")},
        "companies": {company.slug: company.pk for company in Tenant.objects.filter(type=Tenant.Type.COMPANY)},
    }
    sys.stdout.write(json.dumps(seeded) + "\n")


if __name__ == "__main__":
    main()
