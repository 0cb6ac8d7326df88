"""Which parcels a company user may see: an admin every one, a member those of the host linked to them; 404
otherwise (an id of another company's schema is simply not there)."""

from django.http import Http404

from shared_apps.accounts.models import User
from tenant_apps.parcels.models import Parcel
from tenant_apps.parcels.selectors import parcels_visible_to


def access_parcel(user: User, parcel_id: int) -> Parcel:
    parcel = parcels_visible_to(user=user).filter(pk=parcel_id).first()
    if parcel is None:
        raise Http404
    return parcel
