"""The demo has a parcel waiting at Tower's desk for Acme, and loading it again adds none (issue #24, "Done when")."""

from django_tenants.utils import tenant_context

from checkin.demo import load_demo
from tenant_apps.desk.models import DeskParcel
from tenant_apps.parcels.models import Parcel


def test_the_demo_has_a_parcel_waiting_at_towers_desk(acme, tower_reception):
    with tenant_context(acme):
        waiting = list(Parcel.objects.filter(picked_up_at=None).values_list("pk", flat=True))
    assert waiting
    load_demo()
    with tenant_context(acme):
        assert list(Parcel.objects.filter(picked_up_at=None).values_list("pk", flat=True)) == waiting
    with tenant_context(tower_reception):
        assert DeskParcel.objects.filter(company_id=acme.pk, parcel_id__in=waiting, picked_up_at=None).exists()
