"""What happens to a visit, announced to the company apps built on visits (notifications connects to these in its
AppConfig.ready()), so visits never imports them.

Each is sent inside the transaction of the visit's change, with `visit=<Visit>`: a receiver's writes (a delivery
to send) are stored with the change or not at all, and an error in a receiver fails the change.
"""

from django.dispatch import Signal

visit_registered = Signal()  # a new visit, expected (not a walk-in, who arrives at once)
visit_rescheduled = Signal()
visit_cancelled = Signal()
visit_arrived = Signal()  # checked in, a walk-in included
visit_approval_asked = Signal()  # a kiosk walk-in waits for the host's (or the reception's) approval
visit_details_requested = Signal()  # a new visit whose visitor is asked to fill in their own details first
