"""The platform's append-only audit log, in the public schema.

It records who did what, when, in which tenant, from where, and which ids it
touched: never a visitor's name or e-mail. A database trigger refuses UPDATE
and DELETE, so not even a bug in the application can rewrite history.
"""

from django.db import models


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(max_length=200)  # e.g. "it:iris@checkin.example", "desk:tower:dries@...", "kiosk:tower:3"
    action = models.CharField(max_length=64, db_index=True)  # e.g. "company.provision", "visit.check_in"
    tenant_schema = models.CharField(max_length=63, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    object_ids = models.JSONField(default=dict, blank=True)  # {"visit": [12], "visitor": [7]}
    details = models.JSONField(default=dict, blank=True)  # counts, old/new settings; no personal data

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
