"""The product's screens and API over HTTP on the cluster: Django's test client, so every middleware, the host
router, the request roles and the views run as they do behind gunicorn. Run by tests/citus/test_http.py inside
`manage.py shell` (DATABASE_URL at the coordinator). Prints what each step saw, as JSON, on its last line.

A kiosk paired by the desk checks an invited visitor of acme in through its screens; the desk (signed in with
its second factor) sees them on the board; acme's admin sees the visit in the portal and the API, globex's admin
in neither; acme's member gets 404 for the visitors' list of the API, as on one server.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.accounts.services import user_ensure
from shared_apps.tenancy.models import Building, Tenant
from tenant_apps.api.services import api_token_create
from tenant_apps.kiosk.device import DEVICE_COOKIE
from tenant_apps.kiosk.services import kiosk_pair, pairing_code_create
from tests.citus.desk_flow import _invite
from tests.conftest import PASSWORD, HostClient

LAST_NAME = "Overhttp"


def _shows(response: Any) -> bool:
    return response.status_code == 200 and LAST_NAME in response.content.decode()


def _kiosk_paired(name: str) -> str:
    """A kiosk of tower paired with a code its desk made: the device token its browser keeps."""
    building = Building.objects.get(slug="tower")
    reception = Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)
    with tenant_context(reception):
        desk_user = User.objects.filter(role=User.Role.DESK).first()
        assert desk_user is not None
        pairing = pairing_code_create(kiosk_name=name, user=desk_user, building=building)
        return kiosk_pair(code=pairing.code, client="citus-test", building=building)[1]


def invitation_steps(code: str) -> list[tuple[str, dict[str, str]]]:
    """The kiosk's POSTs that check an invited visitor in: language, the invitation's code, the confirmation."""
    return [
        ("/kiosk/language/", {"language": "en"}),
        ("/kiosk/invitation/", {"code": code}),
        ("/kiosk/invitation/confirm/", {"accept_notice": "on", "accept_rules": "on"}),
    ]


def main() -> None:
    seen: dict[str, Any] = {}
    acme = Tenant.objects.get(slug="acme")
    token = _kiosk_paired("Citus HTTP lobby")
    invited = _invite(acme, "Kiosk", LAST_NAME, timezone.now() - dt.timedelta(minutes=5))

    kiosk = HostClient("tower.localhost")
    kiosk.cookies[DEVICE_COOKIE] = token
    seen["kiosk_start"] = kiosk.get("/kiosk/").status_code
    seen["kiosk_steps"] = [(kiosk.post(path, form).status_code) for path, form in invitation_steps(invited.code)]
    seen["kiosk_done"] = kiosk.get("/kiosk/done/").status_code

    desk = HostClient("tower.localhost").sign_in("desk@tower.example")
    seen["desk_page"] = desk.get("/desk/").status_code
    seen["desk_board_shows"] = _shows(desk.get("/desk/board/", {"q": LAST_NAME}))

    admin = HostClient("acme.localhost").sign_in("admin@acme.example")
    seen["portal_shows"] = [_shows(admin.get("/")), _shows(admin.get(f"/visits/{invited.pk}/"))]  # today, the visit
    api = admin.get("/api/v1/visits/")
    seen["api_status"] = api.status_code
    seen["api_states"] = [v["state"] for v in api.json()["results"] if v["id"] == invited.pk]

    other = HostClient("globex.localhost").sign_in("admin@globex.example")
    seen["other_portal_shows"] = [_shows(other.get("/")), _shows(other.get(f"/visits/{invited.pk}/"))]
    seen["other_api_shows"] = LAST_NAME in other.get("/api/v1/visits/").content.decode()

    with tenant_context(acme):  # the demo has no member at acme
        user_ensure(email="member@acme.example", full_name="Acme Member", role=User.Role.MEMBER, password=PASSWORD)
    member = HostClient("acme.localhost").sign_in("member@acme.example")
    seen["member_visitors_api"] = member.get("/api/v1/visitors/").status_code
    print(json.dumps(seen))


def for_gunicorn() -> None:
    """For tests/citus/test_gunicorn.py, in the web process's environment (its keys digest the codes and tokens): a
    kiosk paired by the desk, an invitation of acme for now, and an API token of acme's admin. Prints them as JSON."""
    acme = Tenant.objects.get(slug="acme")
    token = _kiosk_paired("Citus gunicorn lobby")
    invited = _invite(acme, "Served", "Bygunicorn", timezone.now() - dt.timedelta(minutes=5))
    with tenant_context(acme):
        admin = User.objects.get(email="admin@acme.example")
        api_token = api_token_create(name="citus gunicorn", created_by=admin)[1]
    print(json.dumps({"kiosk": token, "code": invited.code, "visit": invited.pk, "api": api_token}))
