"""Failed sign-ins, counted once for the whole platform in `public.login_throttle`.

Every host has its own users, but an attacker can try one e-mail address on
every subdomain: counting in a per-schema cache would let them start afresh
on each. One row per key (an account's e-mail or a client address, both as
keyed hashes, so the table holds no address in clear) with a fixed window.
"""

from django.db import models


class LoginThrottle(models.Model):
    key = models.CharField(max_length=80, primary_key=True)  # "account:<hmac>" or "ip:<hmac>"
    failures = models.PositiveIntegerField(default=0)  # failures since window_started
    window_started = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)  # after this the row says nothing: pruned

    class Meta:
        db_table = "login_throttle"

    def __str__(self) -> str:
        return self.key
