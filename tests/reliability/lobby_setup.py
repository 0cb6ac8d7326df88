"""Set-up of test_web_redis_faults, in a process of its own on the test's copy of the database.

In the demo's building (tower, company acme): KIOSKS kiosks paired by the desk, acme's hosts shown on the
kiosk, and one host who wants an e-mail on each arrival. Prints, as JSON, the kiosks' device tokens, acme's
id (the kiosk's company choice) and that host's id.

    python -m tests.reliability.lobby_setup KIOSKS
"""

import json
import sys

import django

django.setup()

from django_tenants.utils import tenant_context  # noqa: E402

from shared_apps.accounts.models import User  # noqa: E402
from shared_apps.tenancy.models import Building, Tenant  # noqa: E402
from tenant_apps.kiosk.services import kiosk_pair, pairing_code_create  # noqa: E402
from tenant_apps.visits.models import Host  # noqa: E402
from tenant_apps.visits.selectors import company_settings  # noqa: E402


def main(kiosks: int) -> None:
    building = Building.objects.get(slug="tower")
    acme = Tenant.objects.get(slug="acme")
    with tenant_context(acme):
        shown = company_settings()
        shown.show_hosts_on_kiosk = True
        shown.save()
        host = Host.objects.filter(is_active=True, email__gt="").order_by("pk").first()
        assert host is not None, "acme has no host with an e-mail address"
        host.notify_by = Host.Notify.EMAIL
        host.save(update_fields=["notify_by"])
    tokens = []
    with tenant_context(Tenant.objects.get(building=building, type=Tenant.Type.RECEPTION)):
        desk = User.objects.get(email="desk@tower.example")
        for number in range(kiosks):
            pairing = pairing_code_create(kiosk_name=f"Fault kiosk {number}", user=desk, building=building)
            tokens.append(kiosk_pair(code=pairing.code, client=f"faults-{number}", building=building)[1])
    json.dump({"tokens": tokens, "company": acme.pk, "host": host.pk}, sys.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]))
