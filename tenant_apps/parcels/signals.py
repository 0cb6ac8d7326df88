"""What happens to a parcel, announced to the company apps above parcels (notifications connects to it in its
AppConfig.ready()), so parcels never imports them; sent inside the parcel's transaction, like visits' signals."""

from django.dispatch import Signal

parcel_received = Signal()  # `parcel=<Parcel>`: the desk recorded a delivery for a host
